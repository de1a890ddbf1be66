from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    """HMIC's eleven national recommendations and the working-group areas."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "recommendations"

    def ready(self) -> None:
        # History (values before and after, revert) of the recommendations: issue 10.
        from simple_history import register

        from recommendations.models import Recommendation

        register(Recommendation)
