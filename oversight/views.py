import datetime
import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from oversight.models import MeetingPaper
from oversight.permissions import allow_public, members_area_required
from oversight.uploads import document_response

logger = logging.getLogger(__name__)


# When the accessibility statement was last prepared or reviewed (it says so).
ACCESSIBILITY_STATEMENT_PREPARED = datetime.date(2026, 12, 2)


@allow_public
@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, in the GOV.UK model's words and order. Public."""
    return render(
        request,
        "oversight/accessibility.html",
        {
            "contact_email": settings.ACCESSIBLE_FORMAT_EMAIL,
            "prepared_on": ACCESSIBILITY_STATEMENT_PREPARED,
        },
    )


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages that name no icon, such as the admin's. Public."""
    return HttpResponsePermanentRedirect(static("govuk/assets/images/favicon.ico"))


# Exempt from CSRF so that a POST is refused as a wrong method (405), not as a forgery (403).
@csrf_exempt
@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Whether this process can serve: 200 when the database answers a query now, else 503.

    For load balancers and the container's HEALTHCHECK. Public, and says nothing more than
    "ok" or "unavailable": the reason goes to the log, never to the caller.
    """
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("event=healthz_failed error=%s: %s", type(error).__name__, error)
        response = JsonResponse({"status": "unavailable"}, status=503)
    else:
        response = JsonResponse({"status": "ok"})
    if request.method == "HEAD":
        # gunicorn logs a warning for every HEAD response with a body; checkers poll often.
        response.content = b""
    return response


@require_safe
@members_area_required
def meeting_paper_document(request: HttpRequest, pk: int) -> FileResponse:
    """A meeting paper as a download, e.g. `meeting-2014-06-10-terms-of-reference.pdf`.

    Members only.
    """
    paper = get_object_or_404(MeetingPaper.objects.select_related("meeting"), pk=pk)
    meeting = paper.meeting
    held_on = meeting.date.strftime(
        "%Y-%m" if meeting.date_precision == meeting.DatePrecision.MONTH else "%Y-%m-%d"
    )
    title = slugify(paper.title)[:80].strip("-") or "paper"
    return document_response(paper.document, f"meeting-{held_on}-{title}")
