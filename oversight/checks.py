"""Deployment checks of our own (`manage.py check --deploy`), beside Django's."""

from email.utils import parseaddr

from django.conf import settings
from django.core import checks

# Domains reserved for documentation and testing (RFC 2606, RFC 6761), and the placeholder
# label people put in examples (example.gov.uk): mail from them is refused or lost.
RESERVED_TOP_LEVEL_DOMAINS = {"example", "invalid", "localhost", "test", "local"}
PLACEHOLDER_LABELS = {"example", "localhost"}


def is_placeholder_address(value: str) -> bool:
    """True for an empty, malformed, local-only or example sender address."""
    _, address = parseaddr(value or "")
    local_part, at, domain = address.rpartition("@")
    if not (local_part and at and domain):
        return True
    labels = domain.lower().rstrip(".").split(".")
    return labels[-1] in RESERVED_TOP_LEVEL_DOMAINS or bool(PLACEHOLDER_LABELS & set(labels))


@checks.register(checks.Tags.security, deploy=True)
def check_default_from_email(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Password-reset mail from webmaster@localhost is refused or lands in spam."""
    if is_placeholder_address(settings.DEFAULT_FROM_EMAIL):
        return [
            checks.Warning(
                f"DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL!r}: password-reset mail "
                "would be sent from an address that does not exist, and refused or lost.",
                hint="Set DEFAULT_FROM_EMAIL to the service's real sender, e.g. "
                '"National Oversight Group <oversight-noreply@your-department.gov.uk>".',
                id="oversight.W002",
            )
        ]
    return []
