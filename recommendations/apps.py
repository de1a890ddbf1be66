from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    """HMIC's eleven national recommendations and the working-group areas."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "recommendations"
