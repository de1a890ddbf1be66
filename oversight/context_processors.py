from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, object]:
    """Values every GOV.UK page template needs."""
    return {
        "service_name": "National Oversight Group on domestic abuse",
        "accessible_format_email": settings.ACCESSIBLE_FORMAT_EMAIL,
        "govuk_stylesheet": (
            "govuk/govuk-frontend.min.css"
            if settings.GOVUK_TRANSPORT_FONT
            else "govuk/govuk-frontend-system-font.min.css"
        ),
    }
