"""Inline scripts allowed by the Content Security Policy's hash of their exact text."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from oversight.csp import JS_ENABLED_SCRIPT

register = template.Library()


@register.simple_tag
def js_enabled_script() -> SafeString:
    """The `js-enabled` script, byte for byte the text whose hash the policy allows."""
    # A constant written here, not text anyone typed; escaping it would change its hash.
    return mark_safe(f"<script>{JS_ENABLED_SCRIPT}</script>")  # noqa: S308
