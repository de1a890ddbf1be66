"""What a publication keeps about the forces: registered with `oversight.published_facts`."""

from typing import Any

from django.db.models import OuterRef, Subquery

from forces.models import ActionPlan, Force

PROVIDED = (ActionPlan.Status.PROVIDED, ActionPlan.Status.REVIEWED)


def forces_for_publication() -> list[dict[str, Any]]:
    """Each force and whether its current plan was provided to HMIC, as a publication keeps it.

    Names, nations and dates only, never reviews or ratings; one query.
    """
    plans = ActionPlan.objects.current().filter(force=OuterRef("pk")).order_by("-version")
    forces = Force.objects.annotate(
        plan_status=Subquery(plans.values("status")[:1]),
        plan_provided_on=Subquery(plans.values("provided_on")[:1]),
        plan_url=Subquery(plans.values("published_url")[:1]),
    ).order_by("name")
    published = []
    for force in forces:
        provided = force.plan_status in PROVIDED
        published.append(
            {
                "slug": force.slug,
                "name": force.name,
                "nation": force.nation,
                "nation_label": force.get_nation_display(),
                "plan_provided": provided,
                "plan_provided_on": (
                    force.plan_provided_on.isoformat()
                    if provided and force.plan_provided_on
                    else None
                ),
                "plan_url": force.plan_url or "",
            }
        )
    return published
