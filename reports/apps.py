from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The quarterly public update, its editions and progress bullets."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Quarterly updates"
