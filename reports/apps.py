from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The quarterly public update, its editions and progress bullets."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Quarterly updates"

    def ready(self) -> None:
        # History of editions and their bullets, so a draft bullet can be restored: issue 10.
        from simple_history import register

        from reports.models import ProgressUpdate, QuarterlyUpdate, SectionStatus

        # Sign-off is recorded in its own steps; restoring an old version never restores it.
        register(QuarterlyUpdate, excluded_fields=["signoff_status", "ready_by", "signoff_hash"])
        register(ProgressUpdate)
        register(SectionStatus)

        # A withdrawn revision's text leaves the search index with it (ADR 6).
        from reports.search import search_passages_after_withdrawal
        from reports.withdrawal import withdrawal_cleanup_register

        withdrawal_cleanup_register(search_passages_after_withdrawal)

        # The members' dashboard links to the draft the secretariat has shared for comment.
        from oversight.personal_pages import MEMBERS_DASHBOARD, pages_depend_on

        pages_depend_on(MEMBERS_DASHBOARD, QuarterlyUpdate)
