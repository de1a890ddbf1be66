"""Query expressions shared by the apps' selectors and admin classes."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def related_count(rows: QuerySet, field: str) -> Coalesce:
    """How many of `rows` point at the outer row through `field`, as a correlated subquery.

    An annotation with `Count` over a join groups the whole table before a page is taken; a
    subquery is worked out for the rows shown only (and left out of a paginator's count).
    `related_count(ActionPlan.objects.all(), "force")` on forces counts each one's plans.
    """
    counted = (
        rows.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
