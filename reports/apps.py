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

        register(QuarterlyUpdate)
        register(ProgressUpdate)
        register(SectionStatus)
