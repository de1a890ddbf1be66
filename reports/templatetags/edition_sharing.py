"""The draft update shared with the group, for the members' pages of other apps (which may not
import `reports`: a template tag is looked up by name)."""

from django import template
from django.urls import reverse

from oversight.permissions import can_preview_edition
from reports.selectors import shared_draft

register = template.Library()


@register.simple_tag
def shared_draft_update(user) -> dict[str, str] | None:
    """`{% shared_draft_update request.user as draft %}`: its preview link and period, if this
    user may read it (one query)."""
    edition = shared_draft()
    if edition is None or not can_preview_edition(user, edition):
        return None
    return {
        "url": reverse("reports:edition-preview", kwargs={"slug": edition.slug}),
        "period_label": edition.period_label,
    }
