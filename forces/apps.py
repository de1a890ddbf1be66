from django.apps import AppConfig


class ForcesConfig(AppConfig):
    """The 43 police forces and their domestic abuse action plans."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "forces"
    verbose_name = "Police forces"
