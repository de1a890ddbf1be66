"""The public pages of other apps' records that show what the published editions say.

They live here, not in `oversight` or `recommendations`, because those apps sit below
`reports` and never import it (see docs/architecture.md).
"""

import datetime
from collections import Counter
from typing import Any

from django.http import Http404
from django.views.generic import TemplateView

from recommendations.models import Recommendation
from reports.selectors import (
    RecommendationInEdition,
    latest_publication,
    latest_snapshot,
    published_editions,
    recommendation_timelines,
)


class HomeView(TemplateView):
    """What the group is, with the way to its recommendations and updates. Public."""

    template_name = "reports/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["recommendation_count"] = Recommendation.objects.count()
        context["latest_publication"] = latest_publication()
        return context


class RecommendationListView(TemplateView):
    """HMIC's recommendations as the latest publication (or `?as_of=<edition slug>`) had them,
    with a count by status. Public; made from publications only, never the live records."""

    template_name = "reports/recommendation_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        editions = published_editions()
        as_of = self.request.GET.get("as_of", "")
        if as_of:
            slugs = [edition.slug for edition in editions]
            if as_of not in slugs:
                raise Http404("No edition with that slug has been published.")
            shown = editions[: slugs.index(as_of) + 1]
        else:
            shown = editions
        timelines = recommendation_timelines(shown)
        rows = []
        if shown:
            for section in shown[-1].content["sections"]:
                for rec in section["recommendations"]:
                    reported = [e for e in timelines[rec["number"]] if e.reported_progress]
                    rows.append(
                        {
                            **rec,
                            "due_by": _date(rec["due_by"]),
                            "reported_with": [n for n in section["numbers"] if n != rec["number"]],
                            "last_updated": reported[-1] if reported else None,
                        }
                    )
        rows.sort(key=lambda row: row["number"])
        context.update(
            editions=list(reversed(editions)),
            as_of=shown[-1] if shown else None,
            as_of_slug=as_of,
            recommendations=rows,
            summary=_summary(rows),
        )
        return context


def _date(iso: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(iso) if iso else None


def _summary(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    counts = Counter(row["status"] for row in rows)
    return [
        ("Total", len(rows)),
        ("Not started", counts[Recommendation.Status.NOT_STARTED]),
        ("In progress", counts[Recommendation.Status.IN_PROGRESS]),
        ("Complete", counts[Recommendation.Status.COMPLETE]),
    ]


_CHART_LEVELS = {
    Recommendation.Status.NOT_STARTED: 0,
    Recommendation.Status.IN_PROGRESS: 1,
    Recommendation.Status.COMPLETE: 2,
}
_CHART = {"height": 210, "left": 120, "right": 60, "top": 20, "bottom": 60}
# Drawn at its own size, never scaled to the screen (its text would shrink with it): wider by
# a quarter's label for each quarter, in its own scroll region. One or two quarters fit a
# 320-pixel screen.
_CHART_QUARTER_WIDTH = 120


def _status_chart(timeline: list[RecommendationInEdition]) -> dict[str, Any]:
    """Points of a status-by-quarter step chart, drawn as inline SVG by the template."""
    plot_width = _CHART_QUARTER_WIDTH * max(len(timeline) - 1, 1)
    width = _CHART["left"] + plot_width + _CHART["right"]
    plot_height = _CHART["height"] - _CHART["top"] - _CHART["bottom"]
    step = plot_width / max(len(timeline) - 1, 1)
    points = []
    for index, entry in enumerate(timeline):
        level = _CHART_LEVELS.get(entry.recommendation["status"], 0)
        points.append(
            {
                "x": round(_CHART["left"] + index * step, 1),
                "y": round(_CHART["top"] + plot_height - level * plot_height / 2, 1),
                "label": entry.period_label,
                "status_label": entry.recommendation["status_label"],
            }
        )
    levels = [
        {"label": label, "y": round(_CHART["top"] + plot_height - level * plot_height / 2, 1)}
        for label, level in (("Not started", 0), ("In progress", 1), ("Complete", 2))
    ]
    return {
        **_CHART,
        "width": width,
        "points": points,
        "levels": levels,
        "polyline": " ".join(f"{point['x']},{point['y']}" for point in points),
        "axis_y": _CHART["height"] - _CHART["bottom"],
        "axis_right": width - _CHART["right"],
        "label_y": _CHART["height"] - _CHART["bottom"] + 34,
    }


class RecommendationDetailView(TemplateView):
    """One recommendation in full, as the newest publication that has it, with every published
    update on it edition by edition and its status across quarters. Public.

    Made from the frozen content of each edition's latest publication, never from the live
    records, which may be a draft or a correction in progress.
    """

    template_name = "reports/recommendation_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        timeline = recommendation_timelines(published_editions()).get(self.kwargs["number"])
        if not timeline:
            raise Http404("No published update has this recommendation.")
        latest = timeline[-1].recommendation
        due_by = _date(latest["due_by"])
        context.update(
            recommendation={**latest, "due_by": due_by},
            reported_with=[
                rec for rec in timeline[-1].section["recommendations"] if rec is not latest
            ],
            overdue=(
                due_by is not None
                and due_by < datetime.date.today()
                and latest["status"] != Recommendation.Status.COMPLETE
            ),
            timeline=timeline,
            progress=list(reversed(timeline)),
            chart=_status_chart(timeline),
        )
        return context


class ForceListView(TemplateView):
    """The forces by nation, as the latest publication had them: when each provided its action
    plan to HMIC and where it published it. Public; never reviews or ratings."""

    template_name = "reports/force_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        content = latest_snapshot()
        nations: dict[str, list[dict[str, Any]]] = {}
        for force in content["forces"] if content else []:
            nations.setdefault(force["nation_label"], []).append(_force(force))
        context.update(content=content, nations=sorted(nations.items()))
        return context


class ForceDetailView(TemplateView):
    """One force, as the latest publication had it. Public; never reviews or ratings."""

    template_name = "reports/force_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        content = latest_snapshot()
        force = next(
            (f for f in (content["forces"] if content else []) if f["slug"] == kwargs["slug"]),
            None,
        )
        if force is None:
            raise Http404("No published update lists this force.")
        context.update(content=content, force=_force(force))
        return context


def _force(force: dict[str, Any]) -> dict[str, Any]:
    return {**force, "plan_provided_on": _date(force["plan_provided_on"])}
