import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from recommendations.models import Recommendation

register = template.Library()

KEY_PHRASE = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


@register.filter
def key_phrases(text: str) -> SafeString:
    """HMIC's text with its **marked** key phrases in bold; everything else escaped."""
    # Escaping first keeps typed text inert; the asterisks survive escaping unchanged.
    return mark_safe(KEY_PHRASE.sub(r"<strong>\1</strong>", escape(text)))  # noqa: S308


@register.filter
def without_key_phrase_marks(text: str) -> str:
    """The text as plain words, for places that cannot show bold (feeds, titles)."""
    return KEY_PHRASE.sub(r"\1", text)


# A recommendation's status as a GOV.UK tag colour; any other status (not started) is grey.
STATUS_TAG_COLOURS = {
    Recommendation.Status.COMPLETE: "green",
    Recommendation.Status.IN_PROGRESS: "blue",
    # An edition's confidence in a recommendation (reports.SectionStatus.Confidence).
    "on_track": "green",
    "at_risk": "yellow",
    "off_track": "red",
}


@register.filter
def status_tag_colour(status: str) -> str:
    """The tag colour of a status or confidence, live or as a snapshot stored it: “complete”
    is “green”, “at_risk” “yellow”."""
    return STATUS_TAG_COLOURS.get(status, "grey")
