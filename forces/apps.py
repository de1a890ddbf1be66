from django.apps import AppConfig


class ForcesConfig(AppConfig):
    """The 43 police forces and their domestic abuse action plans."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "forces"
    verbose_name = "Police forces"

    def ready(self) -> None:
        # History (values before and after, revert) of forces and plan versions: issue 10.
        from simple_history import register

        from forces.models import REVIEW_OUTCOME_FIELDS, ActionPlan, Force

        register(Force)
        # The review outcomes are worked out, not edited: history would only record churn.
        register(ActionPlan, excluded_fields=list(REVIEW_OUTCOME_FIELDS))

        from forces import review_outcomes

        review_outcomes.receivers_connect()

        # What the members' dashboard shows (a draft's area ratings are not among it), and
        # what the summary's counted ratings are worked out from (forces.review_outcomes).
        from forces.models import (
            AreaRating,
            ModeratedAreaRating,
            PlanModeration,
            PlanReview,
            ReviewAssignment,
        )
        from oversight.models import Meeting, MeetingAction, Member
        from oversight.personal_pages import MEMBERS_DASHBOARD, PLANS_SUMMARY, pages_depend_on
        from recommendations.models import Area

        pages_depend_on(
            MEMBERS_DASHBOARD,
            Force,
            ActionPlan,
            ReviewAssignment,
            PlanReview,
            PlanModeration,
            Meeting,
            MeetingAction,
            Member,
        )
        pages_depend_on(
            PLANS_SUMMARY,
            Area,
            Force,
            ActionPlan,
            ReviewAssignment,
            PlanReview,
            AreaRating,
            PlanModeration,
            ModeratedAreaRating,
        )

        # What each publication keeps about the forces (reports may not import forces).
        from forces.published import forces_for_publication
        from oversight.published_facts import published_facts_register

        published_facts_register("forces", forces_for_publication)
