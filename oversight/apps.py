from django.apps import AppConfig


class OversightConfig(AppConfig):
    """The National Oversight Group itself: its members, organisations and meetings."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = "Oversight group"

    def ready(self) -> None:
        # Connects the authentication event logging and registers the email deploy checks.
        from oversight import accounts, checks  # noqa: F401
