"""The edition's sections in the admin: the list on the edition's change page, a page of its
own for each section (its statuses, bullets and sub-points, and the members' comments beside
them), and sharing a draft with the group for comment.

A page per section rather than a tabular inline: every field is a GOV.UK form component
labelled with its section and position, the order is a position field (no JavaScript), and a
save from a page opened before someone else's change is refused, keeping what was typed.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_http_methods, require_POST

from oversight.admin_base import STALE_MESSAGE, _digest, _stored_values, has_history
from oversight.pagination import paginate
from oversight.permissions import can_edit_edition, can_share_edition
from recommendations.models import Recommendation
from reports.forms import BulletFormSet, SectionStatusForm
from reports.models import ProgressUpdate, QuarterlyUpdate, SectionComment, SectionStatus
from reports.services import (
    ALREADY_PUBLISHED,
    BulletEdit,
    EditionNotEditable,
    StatusEdit,
    edition_section_save,
    edition_share,
    edition_unshare,
)
from reports.snapshot import carried_statuses, section_heading

SECTION_FINGERPRINT_FIELD = "_section_fingerprint"
SECTIONS_PER_PAGE = 25
SECTION_FINGERPRINT_SALT = "reports.admin.section-fingerprint"


@dataclass
class Section:
    """One section of an edition as the secretariat edits it."""

    lead: Recommendation
    recommendations: list[Recommendation]
    statuses: list[tuple[Recommendation, SectionStatus | None]]
    # Each top-level bullet with its sub-points, in position order.
    bullets: list[tuple[ProgressUpdate, list[ProgressUpdate]]] = field(default_factory=list)
    comments: list[SectionComment] = field(default_factory=list)
    comment_count: int = 0
    url: str = ""

    @property
    def heading(self) -> str:
        return section_heading([rec.number for rec in self.recommendations])

    @property
    def bullets_in_order(self) -> list[ProgressUpdate]:
        return [bullet for top, subs in self.bullets for bullet in (top, *subs)]

    @property
    def number(self) -> int:
        return self.lead.number


@dataclass
class SectionLink:
    """Another section of the edition, as the links between section pages show it."""

    number: int
    heading: str
    url: str


def edition_sections(
    edition: QuarterlyUpdate,
    *,
    comments: str = "",
    section_url: Any = None,
    leads: Sequence[Recommendation] | None = None,
) -> list[Section]:
    """The edition's sections with their statuses and bullets (three queries), and the members'
    comments: `comments` "count" (one query more) or "all" (one query more, with authors).
    `leads`: only the sections these recommendations head (a page of them, or one)."""
    recommendations_read = Recommendation.objects.order_by("number")
    statuses_read = edition.section_statuses.all()
    bullets_read = edition.bullets.all()
    comments_read = SectionComment.objects.filter(edition=edition)
    if leads is not None:
        lead_pks = [lead.pk for lead in leads]
        in_sections = Q(recommendation__in=lead_pks) | Q(recommendation__reported_with__in=lead_pks)
        recommendations_read = recommendations_read.filter(
            Q(pk__in=lead_pks) | Q(reported_with__in=lead_pks)
        )
        statuses_read = statuses_read.filter(in_sections)
        # A sub-point is shown under its bullet, whichever recommendation it names.
        bullets_read = bullets_read.filter(
            in_sections
            | Q(parent__recommendation__in=lead_pks)
            | Q(parent__recommendation__reported_with__in=lead_pks)
        )
        comments_read = comments_read.filter(in_sections)
    recommendations = list(recommendations_read)
    statuses = {row.recommendation_id: row for row in statuses_read}
    lead_of = {rec.pk: rec.reported_with_id or rec.pk for rec in recommendations}
    sections = {
        rec.pk: Section(lead=rec, recommendations=[], statuses=[])
        for rec in recommendations
        if rec.reported_with_id is None
    }
    for rec in recommendations:
        section = sections[lead_of[rec.pk]]
        section.recommendations.append(rec)
        section.statuses.append((rec, statuses.get(rec.pk)))
    bullets = list(bullets_read.order_by("parent_id", "position", "pk"))
    subs: dict[int, list[ProgressUpdate]] = {}
    for bullet in bullets:
        if bullet.parent_id is not None:
            subs.setdefault(bullet.parent_id, []).append(bullet)
    for bullet in bullets:
        if bullet.parent_id is None and (lead := lead_of.get(bullet.recommendation_id)):
            sections[lead].bullets.append((bullet, subs.get(bullet.pk, [])))
    if comments == "count":
        counts = comments_read.values("recommendation").annotate(count=Count("pk"))
        for row in counts:
            if (lead := lead_of.get(row["recommendation"])) in sections:
                sections[lead].comment_count += row["count"]
    elif comments == "all":
        for comment in comments_read.select_related("author"):
            if (lead := lead_of.get(comment.recommendation_id)) in sections:
                sections[lead].comments.append(comment)
                sections[lead].comment_count += 1
    for section in sections.values():
        section.url = section_url(section.number) if section_url else ""
    return list(sections.values())


def _bullet_label(section: Section, bullet: ProgressUpdate | None, new_index: int = 0) -> str:
    """What a screen reader hears before each field's own label: which section, which bullet."""
    name = f"Recommendation {section.number}"
    if bullet is None:
        return f"{name}, new bullet {new_index}"
    if bullet.parent_id is None:
        return f"{name}, bullet {bullet.position}"
    parent = next(top for top, subs in section.bullets if bullet in subs)
    return f"{name}, bullet {parent.position}, sub-point {bullet.position}"


def _changed_by(rows: list[str], since: datetime.datetime | None) -> str:
    """Who changed these rows (`"<model label>:<pk>"`) since the page was opened, from history."""
    names: list[str] = []
    for key in rows:
        label, pk = key.rsplit(":", 1)
        model = apps.get_model(label)
        if since is None or not has_history(model):
            continue
        history = getattr(model, model._meta.simple_history_manager_attribute)
        for row in (
            history.filter(id=pk, history_date__gt=since)
            .exclude(history_user=None)
            .select_related("history_user")
            .order_by("history_date")
        ):
            name = row.history_user.get_full_name() or row.history_user.get_username()
            if name not in names:
                names.append(name)
    return " and ".join(names) if names else "Someone else"


class EditionSectionsAdminMixin:
    """For `QuarterlyUpdateAdmin`: the section pages, the section list and sharing."""

    def section_urls(self) -> list:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/sections/<int:number>/",
                self.admin_site.admin_view(
                    require_http_methods(["GET", "HEAD", "POST"])(self.section_view)
                ),
                name="{}_{}_section".format(*info),
            ),
            path(
                "<path:object_id>/share/",
                self.admin_site.admin_view(require_POST(self.share_view)),
                name="{}_{}_share".format(*info),
            ),
            path(
                "<path:object_id>/unshare/",
                self.admin_site.admin_view(require_POST(self.unshare_view)),
                name="{}_{}_unshare".format(*info),
            ),
        ]

    def _section_url(self, edition: QuarterlyUpdate, number: int) -> str:
        return reverse("admin:reports_quarterlyupdate_section", args=[edition.pk, number])

    def _neighbours(
        self, edition: QuarterlyUpdate, lead: Recommendation
    ) -> tuple[SectionLink | None, SectionLink | None]:
        """The sections before and after `lead`'s, for the links at the foot of its page (one
        query: the two leads, found in subqueries, and what is reported with them)."""
        leads = Recommendation.objects.leading_sections()
        before = leads.filter(number__lt=lead.number).order_by("-number").values("pk")[:1]
        after = leads.filter(number__gt=lead.number).order_by("number").values("pk")[:1]
        numbers: dict[int, list[int]] = {}
        lead_numbers: dict[int, int] = {}
        for pk, number, reported_with in Recommendation.objects.filter(
            Q(pk__in=before)
            | Q(pk__in=after)
            | Q(reported_with__in=before)
            | Q(reported_with__in=after)
        ).values_list("pk", "number", "reported_with"):
            numbers.setdefault(reported_with or pk, []).append(number)
            if reported_with is None:
                lead_numbers[pk] = number

        def link(pk: int) -> SectionLink:
            return SectionLink(
                number=lead_numbers[pk],
                heading=section_heading(sorted(numbers[pk])),
                url=self._section_url(edition, lead_numbers[pk]),
            )

        links = [link(pk) for pk in lead_numbers]  # at most one on each side
        return (
            next((section for section in links if section.number < lead.number), None),
            next((section for section in links if section.number > lead.number), None),
        )

    def sections_overview(
        self, edition: QuarterlyUpdate, *, editable: bool, with_comments: bool, page: str | None
    ) -> Page:
        """The sections listed on the edition's change page, each linking to its own page, a
        page of them at a time (`?sections=N`): eleven in life, one per recommendation."""
        return paginate(
            Recommendation.objects.leading_sections().order_by("number"),
            number=page,
            per_page=SECTIONS_PER_PAGE,
            parameter="sections",
            rows=lambda leads: edition_sections(
                edition,
                comments="count" if with_comments else "",
                section_url=(lambda number: self._section_url(edition, number))
                if editable
                else None,
                leads=leads,
            ),
        )

    # ---- Sharing with the group ----

    def _edition_to_share(self, request: HttpRequest, object_id: str) -> QuarterlyUpdate:
        edition = self.get_object(request, unquote(object_id))
        if edition is None:
            raise Http404("No such edition")
        return edition

    def share_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Share the draft with the group for comment (POST only: it changes who may read it)."""
        edition = self._edition_to_share(request, object_id)
        if not can_share_edition(request.user, edition):
            raise PermissionDenied
        try:
            edition_share(edition=edition, shared_by=request.user)
        except EditionNotEditable as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                "Shared with the group for comment. Signed-in members can now read the preview "
                "and comment on each section; their comments appear beside each section here.",
            )
        return HttpResponseRedirect(self._url("change", edition))

    def unshare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Stop sharing the draft: members can no longer read its preview or comment."""
        edition = self._edition_to_share(request, object_id)
        if not can_share_edition(request.user):
            raise PermissionDenied
        edition_unshare(edition=edition, unshared_by=request.user)
        messages.success(
            request,
            "No longer shared with the group. Members' comments so far are kept beside each "
            "section.",
        )
        return HttpResponseRedirect(self._url("change", edition))

    # ---- A section's page ----

    def _section_fingerprint(self, section: Section) -> dict[str, Any]:
        rows = {
            f"reports.sectionstatus:{status.pk}": _digest(_stored_values(status))
            for _, status in section.statuses
            if status is not None
        }
        rows.update(
            {
                f"reports.progressupdate:{bullet.pk}": _digest(_stored_values(bullet))
                for bullet in section.bullets_in_order
            }
        )
        return {"at": timezone.now().isoformat(), "rows": rows}

    def _section_stale_message(
        self, request: HttpRequest, edition: QuarterlyUpdate, now: dict[str, Any]
    ) -> str | None:
        """Why the submitted section page is stale, or None if the section is as it was opened."""
        token = request.POST.get(SECTION_FINGERPRINT_FIELD, "")
        try:
            opened = signing.loads(token, salt=SECTION_FINGERPRINT_SALT)
            opened_at = parse_datetime(opened["at"])
            opened_rows = dict(opened["rows"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return (
                "This page could not be checked against the saved section, so your changes have "
                "not been saved. What you typed is still below: save again to replace the saved "
                "values."
            )
        if opened_rows == now["rows"]:
            return None
        changed_rows = sorted(
            key
            for key in set(opened_rows) | set(now["rows"])
            if opened_rows.get(key) != now["rows"].get(key)
        )
        what = sorted(
            {
                "its statuses" if key.startswith("reports.sectionstatus") else "its bullets"
                for key in changed_rows
            }
        )
        since = opened_at if isinstance(opened_at, datetime.datetime) else None
        who = _changed_by(changed_rows, since)
        return STALE_MESSAGE.format(who=who, noun="section", what="changed: " + ", ".join(what))

    def section_view(self, request: HttpRequest, object_id: str, number: int) -> HttpResponse:
        """One section of an edition: its statuses and bullets, with the members' comments."""
        if not can_edit_edition(request.user):
            raise PermissionDenied
        edition = self.get_object(request, unquote(object_id))
        if edition is None:
            raise Http404("No such edition")
        if not edition.is_editable:
            messages.warning(request, ALREADY_PUBLISHED)
            return HttpResponseRedirect(self._url("change", edition))
        recommendation = (
            Recommendation.objects.filter(number=number).select_related("reported_with").first()
        )
        if recommendation is None:
            raise Http404("No such section")
        if recommendation.reported_with is not None:  # reported in another's section
            return HttpResponseRedirect(
                self._section_url(edition, recommendation.reported_with.number)
            )
        [section] = edition_sections(
            edition,
            comments="all",
            section_url=lambda n: self._section_url(edition, n),
            leads=[recommendation],
        )

        data = request.POST if request.method == "POST" else None
        # Where the edition sets no status yet, the form starts from the one it would report:
        # the previous published edition's (else not started).
        carried = carried_statuses(edition)
        status_forms = [
            SectionStatusForm(
                data,
                recommendation=rec,
                instance=status
                or SectionStatus(
                    edition=edition,
                    recommendation=rec,
                    status=carried.get(rec.number, {}).get(
                        "status", Recommendation.Status.NOT_STARTED
                    ),
                ),
            )
            for rec, status in section.statuses
        ]
        # Named from the rows as stored: validating the forms changes their instances.
        labels = [_bullet_label(section, bullet) for bullet in section.bullets_in_order]
        formset = BulletFormSet(
            data,
            prefix="bullets",
            bullets=section.bullets_in_order,
            parents=[top for top, _ in section.bullets],
        )
        now = self._section_fingerprint(section)
        problems: list[tuple[str, str]] = []
        if request.method == "POST":
            stale = self._section_stale_message(request, edition, now)
            # Every form checked, not only up to the first wrong one: the page lists each error.
            checked = [form.is_valid() for form in status_forms] + [formset.is_valid()]
            valid = all(checked)
            if stale:
                problems.append((stale, "#section-form"))
            elif valid:
                try:
                    edition_section_save(
                        edition=edition,
                        lead=section.lead,
                        statuses=[
                            StatusEdit(
                                recommendation=form.recommendation,
                                status=form.cleaned_data["status"],
                                confidence=form.cleaned_data["confidence"],
                                reason=form.cleaned_data["reason"],
                            )
                            for form in status_forms
                        ],
                        bullets=self._bullet_edits(formset),
                        saved_by=request.user,
                    )
                except EditionNotEditable as refused:
                    messages.error(request, str(refused))
                    return HttpResponseRedirect(self._url("change", edition))
                except ValidationError as error:
                    problems.extend((message, "#bullets") for message in error.messages)
                else:
                    messages.success(request, f"Saved {section.heading}.")
                    return HttpResponseRedirect(section.url)
        new_index = 0
        rows = []
        for index, form in enumerate(formset.forms):
            if index < len(labels):
                label = labels[index]
            else:
                new_index += 1
                label = _bullet_label(section, None, new_index)
            rows.append(
                {
                    "form": form,
                    "label": label,
                    "legend": label.split(", ", 1)[1].capitalize(),
                    "is_sub_point": ", sub-point " in label,
                }
            )
        problems += self._form_problems(status_forms, formset, [row["label"] for row in rows])
        previous_section, next_section = self._neighbours(edition, section.lead)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{section.heading}: {edition.period_label} update",
            "opts": self.opts,
            "original": edition,
            "edition": edition,
            "section": section,
            "previous_section": previous_section,
            "next_section": next_section,
            "status_forms": status_forms,
            "formset": formset,
            "rows": rows,
            "problems": problems,
            "fingerprint_field": SECTION_FINGERPRINT_FIELD,
            "fingerprint": signing.dumps(now, salt=SECTION_FINGERPRINT_SALT, compress=True),
            "change_url": self._url("change", edition),
            "preview_url": reverse("reports:edition-preview", kwargs={"slug": edition.slug}),
        }
        return TemplateResponse(request, "admin/reports/quarterlyupdate/section.html", context)

    @staticmethod
    def _bullet_edits(formset: Any) -> list[BulletEdit]:
        edits = []
        for form in formset.forms:
            if form.is_blank_new_row:
                continue
            delete = formset._should_delete_form(form)
            if form.instance.pk is None and delete:
                continue
            data = form.cleaned_data
            edits.append(
                BulletEdit(
                    bullet_id=form.instance.pk,
                    position=data["position"] if data.get("position") is not None else 0,
                    text=data.get("text", ""),
                    source=data.get("source") or ProgressUpdate.Source.WRITTEN,
                    parent_id=data["parent"].pk if data.get("parent") else None,
                    delete=delete,
                )
            )
        return edits

    @staticmethod
    def _form_problems(
        status_forms: list, formset: Any, labels: list[str]
    ) -> list[tuple[str, str]]:
        """Every error on the page, in page order, each naming its row and linking to its field."""
        problems = []
        for form in status_forms:
            for name, errors in form.errors.items():
                target = form[name].auto_id if name in form.fields else "section-form"
                problems.extend(
                    (f"Recommendation {form.recommendation.number}: {error}", f"#{target}")
                    for error in errors
                )
        problems.extend((error, "#bullets") for error in formset.non_form_errors())
        for form, label in zip(formset.forms, labels, strict=True):
            for name, errors in form.errors.items():
                target = form[name].auto_id if name in form.fields else "bullets"
                problems.extend((f"{label}: {error}", f"#{target}") for error in errors)
        return problems
