"""Reads of the group's records that pages outside the admin need."""

from django.db.models import F

from oversight.models import MeetingAction, Member


def open_actions_for(member: Member):
    """The member's own open actions from meetings, soonest due first (undated last)."""
    return (
        MeetingAction.objects.owned_by(member)
        .open()
        .select_related("meeting")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )
