"""GOV.UK Design System components used on many pages."""

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*labels_and_links: str) -> dict:
    """The GOV.UK breadcrumbs: `{% breadcrumbs "Home" "home" "Updates" "reports:edition-list" %}`.

    Each label is followed by a URL name to reverse, or by a path already made (starting "/").
    """
    if len(labels_and_links) % 2:
        raise template.TemplateSyntaxError("breadcrumbs takes pairs: a label, then its link")
    pairs = zip(labels_and_links[::2], labels_and_links[1::2], strict=True)
    return {
        "crumbs": [
            (label, link if link.startswith("/") else reverse(link)) for label, link in pairs
        ]
    }
