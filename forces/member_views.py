"""The members' pages around the reviews: the dashboard, the plans list and the summary.

Members and the secretariat only (`members_area_required`); the downloads of every submitted
review are the secretariat's alone (`can_download_reviews`). Thin: selectors do the reading.
"""

import csv
import io

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from forces import selectors
from forces.models import Force, ReviewStatus
from oversight.permissions import (
    can_download_reviews,
    can_see_review_summary,
    is_secretariat,
    members_area_required,
)
from oversight.personal_pages import MEMBERS_DASHBOARD, PERSONAL_PAGES, PLANS_SUMMARY
from oversight.selectors import open_actions_for

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@members_area_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """`/members/`: my assigned reviews, my open actions from meetings, the national progress
    and the next meeting. Kept per person until one of those changes (`PERSONAL_PAGES`)."""
    return PERSONAL_PAGES.response(request, MEMBERS_DASHBOARD, lambda: _dashboard_make(request))


def _dashboard_make(request: HttpRequest) -> HttpResponse:
    member = getattr(request.user, "group_member", None)
    dashboard = selectors.dashboard(request.user, assignments_page=request.GET.get("assignments"))
    return render(
        request,
        "forces/dashboard.html",
        {
            "dashboard": dashboard,
            "my_assignments": dashboard.my_assignments,
            "open_actions": list(open_actions_for(member)) if member else [],
        },
    )


class PlanListFilterForm(forms.Form):
    """The plans list's GET filters. Unknown values are ignored, never an error page."""

    nation = forms.ChoiceField(
        label="Nation", choices=[("", "England and Wales"), *Force.Nation.choices], required=False
    )
    status = forms.MultipleChoiceField(
        label="Review status",
        choices=ReviewStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mine = forms.BooleanField(label="Only plans assigned to me", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[("name", "Force name"), ("status", "Review status")],
        required=False,
    )

    def filters(self) -> selectors.PlanListFilters:
        if not self.is_valid():
            return selectors.PlanListFilters()
        data = self.cleaned_data
        return selectors.PlanListFilters(
            nation=data["nation"],
            statuses=tuple(data["status"]),
            mine=data["mine"],
            sort=data["sort"] or "name",
        )


@members_area_required
@require_safe
def plan_list(request: HttpRequest) -> HttpResponse:
    """`/forces/plans/`: every current plan with its review status and reviewers."""
    form = PlanListFilterForm(request.GET or None)
    filters = form.filters()
    page = selectors.plan_list_page(request.user, filters, number=request.GET.get("page"))
    rows = page.object_list
    return render(
        request,
        "forces/plan_list.html",
        # `plans`: the plans shown, as the list's context has always named them.
        {
            "form": form,
            "filters": filters,
            "page": page,
            "rows": rows,
            "plans": [row.plan for row in rows],
        },
    )


def _summary_gate(request: HttpRequest) -> None:
    if not can_see_review_summary(request.user):
        raise PermissionDenied


@members_area_required
@require_safe
def plan_summary(request: HttpRequest) -> HttpResponse:
    """`/forces/plans/summary/`: the counted ratings as a heatmap table and bar charts. Kept
    per person until a plan, a review or a rating changes (`PERSONAL_PAGES`)."""
    _summary_gate(request)
    return PERSONAL_PAGES.response(request, PLANS_SUMMARY, lambda: _plan_summary_make(request))


def _plan_summary_make(request: HttpRequest) -> HttpResponse:
    summary = selectors.summary(page=request.GET.get("page"))
    return render(
        request,
        "forces/plan_summary.html",
        {
            "summary": summary,
            "heatmap": summary.heatmap,
            "can_download": can_download_reviews(request.user),
            "is_secretariat": is_secretariat(request.user),
            "chart_width": CHART_WIDTH,
        },
    )


CHART_WIDTH = 240  # the longest bar; with its count, the chart fits a 320-pixel screen


def _download_gate(request: HttpRequest) -> None:
    if not can_download_reviews(request.user):
        raise PermissionDenied


def _filename(extension: str) -> str:
    return f"plan-reviews-{timezone.localdate().isoformat()}.{extension}"


def _spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


@members_area_required
@require_safe
def reviews_csv(request: HttpRequest) -> HttpResponse:
    """Every submitted review as CSV (UTF-8, with a header row). The secretariat only."""
    _download_gate(request)
    header, rows = selectors.submitted_reviews_export()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[_spreadsheet_safe(cell) for cell in row] for row in rows])
    # A byte-order mark, so that Excel reads the file as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@members_area_required
@require_safe
def reviews_xlsx(request: HttpRequest) -> HttpResponse:
    """Every submitted review as an Excel workbook. The secretariat only."""
    _download_gate(request)
    from openpyxl import Workbook  # only the secretariat's download needs it

    header, rows = selectors.submitted_reviews_export()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Submitted reviews"
    sheet.append(header)
    for row in rows:
        sheet.append([_spreadsheet_safe(cell) for cell in row])
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(output.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    response["Cache-Control"] = "private, no-store"
    return response
