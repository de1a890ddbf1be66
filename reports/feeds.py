from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from reports.models import Publication
from reports.selectors import published_listing
from reports.withdrawal import withdrawal_notice


class PublishedEditionsFeed(Feed):
    """Atom feed of the published editions, newest first. Public."""

    feed_type = Atom1Feed
    title = "National Oversight Group: quarterly updates on domestic abuse"
    subtitle = (
        "Quarterly updates on the police's progress against HMIC's national recommendations "
        "on domestic abuse."
    )
    link = reverse_lazy("reports:edition-list")
    author_name = "Home Office"

    def items(self):
        return published_listing()

    def item_title(self, item: Publication) -> str:
        return f"{item.title}: {item.period_label}"

    def item_description(self, item: Publication) -> str:
        if item.withdrawn_at is not None:
            return withdrawal_notice(timezone.localdate(item.withdrawn_at))
        if item.revision > 1:
            return f"Updated: {item.change_note}"
        return f"The group's update on progress, {item.period_label}."

    def item_link(self, item: Publication) -> str:
        return reverse("reports:edition-detail", kwargs={"slug": item.edition.slug})

    def item_pubdate(self, item: Publication):
        return item.edition.published_at

    def item_updateddate(self, item: Publication):
        return item.changed_at
