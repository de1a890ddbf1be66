from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from forces.models import ActionPlan
from oversight.uploads import document_response, group_member_required


@require_safe
@group_member_required
def plan_document(request: HttpRequest, pk: int) -> FileResponse:
    """A plan's document as a download, e.g. `gwent-police-action-plan-v1.pdf`. Members only."""
    plan = get_object_or_404(ActionPlan.objects.select_related("force"), pk=pk)
    return document_response(
        plan.document, f"{slugify(plan.force.name)}-action-plan-v{plan.version}"
    )
