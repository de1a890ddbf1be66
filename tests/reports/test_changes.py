"""What changed between two editions: the comparison itself, and the public page showing it."""

import datetime
import itertools
import re
from typing import Any

import pytest
from django.utils import timezone

from recommendations.models import Recommendation
from reports.changes import DiffToken, editions_compare, wording_similarity, words_diff
from reports.models import ProgressUpdate, QuarterlyUpdate
from tests.recommendations.factories import RecommendationFactory
from tests.reports.factories import (
    ProgressUpdateFactory,
    QuarterlyUpdateFactory,
    SectionStatusFactory,
)
from tests.reports.publishing import publish_for_test

STATUS_LABELS = dict(Recommendation.Status.choices)


def snapshot(*sections: dict[str, Any], period_label: str = "March 2015") -> dict[str, Any]:
    return {
        "title": "National Oversight Group Update Report",
        "period_label": period_label,
        "sections": list(sections),
    }


def section(
    numbers: list[int],
    *bullets: dict[str, Any],
    status: str = "in_progress",
    text: str = "Forces should **publish** an action plan.",
) -> dict[str, Any]:
    heading = (
        f"Recommendation {numbers[0]}"
        if len(numbers) == 1
        else f"Recommendations {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"
    )
    return {
        "anchor": "recommendation-" + "-".join(map(str, numbers)),
        "heading": heading,
        "numbers": numbers,
        "recommendations": [
            {
                "number": number,
                "title": f"Title {number}",
                "text": text,
                "status": status,
                "status_label": STATUS_LABELS[status],
            }
            for number in numbers
        ],
        "bullets": list(bullets),
    }


def bullet(text: str, *points: dict[str, Any]) -> dict[str, Any]:
    return {"text": text, "points": list(points)}


def texts(changes) -> list[str]:
    return [change.text for change in changes]


MET = "The group met on 10 June 2014 to review force action plans."
MET_AGAIN = "The group met on 9 September 2014 to review force action plans."
PLANS = "All 43 forces have provided action plans."
TRAINING = "The College of Policing has begun a review of training."
MEMBERS = "The Group membership comprises:"


# The comparison, on hand-built snapshots


def test_identical_editions_have_no_changes() -> None:
    edition = snapshot(
        section([1], bullet(MET), bullet(PLANS)),
        section([2, 3], bullet(MEMBERS, bullet("Chief Constable A"), bullet("Chief Constable B"))),
    )

    comparison = editions_compare(edition, edition)

    assert not comparison.has_changes
    assert comparison.changed_sections == []
    assert [s.heading for s in comparison.unchanged_sections] == [
        "Recommendation 1",
        "Recommendations 2 and 3",
    ]
    assert (comparison.added_count, comparison.removed_count, comparison.reworded_count) == (
        0,
        0,
        0,
    )
    assert comparison.status_change_count == comparison.text_change_count == 0
    assert comparison.unchanged_heading == "Recommendations 1, 2 and 3"
    # A bullet and its points, unchanged, count once.
    assert [len(s.unchanged) for s in comparison.sections] == [2, 1]


def test_new_and_removed_bullets() -> None:
    previous = snapshot(section([1], bullet(MET), bullet(PLANS)))
    current = snapshot(section([1], bullet(PLANS), bullet(TRAINING)))

    (compared,) = editions_compare(previous, current).sections

    assert texts(compared.added) == [TRAINING]
    assert texts(compared.removed) == [MET]
    assert texts(compared.unchanged) == [PLANS]
    assert compared.reworded == []


def test_a_reworded_bullet_is_paired_and_diffed_word_by_word() -> None:
    previous = snapshot(section([1], bullet(MET)))
    current = snapshot(section([1], bullet(MET_AGAIN)))

    comparison = editions_compare(previous, current)
    (change,) = comparison.sections[0].reworded

    assert (comparison.added_count, comparison.removed_count, comparison.reworded_count) == (
        0,
        0,
        1,
    )
    assert change.previous_text == MET
    assert change.text == MET_AGAIN
    assert change.words == (
        DiffToken("same", "The group met on "),
        DiffToken("removed", "10 June"),
        DiffToken("same", " "),
        DiffToken("added", "9 September"),
        DiffToken("same", " 2014 to review force action plans."),
    )


def test_bullets_too_unlike_are_one_removed_and_one_new() -> None:
    previous = snapshot(section([1], bullet(MET)))
    current = snapshot(section([1], bullet(TRAINING)))

    (compared,) = editions_compare(previous, current).sections

    assert wording_similarity(MET, TRAINING) < 0.5
    assert (texts(compared.removed), texts(compared.added), compared.reworded) == (
        [MET],
        [TRAINING],
        [],
    )


def test_each_bullet_pairs_with_its_most_alike() -> None:
    first, second = "Forces met in June.", "The College met in July to agree the guidance."
    previous = snapshot(section([1], bullet(first), bullet(second)))
    current = snapshot(
        section([1], bullet("The College met in August to agree the guidance."), bullet(first))
    )

    (compared,) = editions_compare(previous, current).sections

    assert [change.previous_text for change in compared.reworded] == [second]
    assert texts(compared.unchanged) == [first]


def test_a_change_of_spacing_is_no_change() -> None:
    previous = snapshot(section([1], bullet("All 43  forces have plans.")))
    current = snapshot(section([1], bullet("All 43 forces have plans. ")))

    assert not editions_compare(previous, current).has_changes


def test_a_repeated_bullet_is_paired_once_per_occurrence() -> None:
    previous = snapshot(section([1], bullet("No update this quarter.")))
    current = snapshot(
        section([1], bullet("No update this quarter."), bullet("No update this quarter."))
    )

    (compared,) = editions_compare(previous, current).sections

    assert len(compared.unchanged) == 1
    assert texts(compared.added) == ["No update this quarter."]


def test_status_change() -> None:
    previous = snapshot(section([1], bullet(PLANS), status="in_progress"))
    current = snapshot(section([1], bullet(PLANS), status="complete"))

    comparison = editions_compare(previous, current)
    (change,) = comparison.sections[0].status_changes

    assert comparison.has_changes
    assert comparison.status_change_count == 1
    assert (change.number, change.previous_label, change.status_label) == (
        1,
        "In progress",
        "Complete",
    )


def test_recommendation_text_change_ignores_key_phrase_marks() -> None:
    previous = snapshot(section([1], bullet(PLANS), text="Forces should **publish** a plan."))
    marked = snapshot(section([1], bullet(PLANS), text="Forces should publish a plan."))
    reworded = snapshot(section([1], bullet(PLANS), text="Forces should publish an action plan."))

    assert not editions_compare(previous, marked).has_changes
    (change,) = editions_compare(previous, reworded).sections[0].text_changes
    assert change.number == 1
    assert [(t.kind, t.text) for t in change.words if t.kind != "same"] == [
        ("removed", "a"),
        ("added", "an action"),
    ]


def test_nested_points_are_compared_under_their_parent() -> None:
    dpp, chief_constable = "Alison Saunders, DPP", "Chief Constable Sara Thornton, ACPO"
    previous = snapshot(section([2], bullet(MEMBERS, bullet(dpp), bullet(chief_constable))))
    current = snapshot(
        section(
            [2],
            bullet(
                MEMBERS,
                bullet(dpp),
                bullet("Chief Constable Sara Thornton, NPCC"),
                bullet("Dame Vera Baird, Northumbria PCC"),
            ),
        )
    )

    (compared,) = editions_compare(previous, current).sections

    # Each change says which list it is in; the unchanged member counts, the list's lead-in not.
    assert [(c.previous_text, c.text, c.context) for c in compared.reworded] == [
        (chief_constable, "Chief Constable Sara Thornton, NPCC", (MEMBERS,))
    ]
    assert [(c.text, c.context) for c in compared.added] == [
        ("Dame Vera Baird, Northumbria PCC", (MEMBERS,))
    ]
    assert [(c.text, c.context) for c in compared.unchanged] == [(dpp, (MEMBERS,))]
    assert compared.removed == []
    assert compared.added[0].where == "Under “The Group membership comprises:”"


def test_points_of_a_reworded_bullet_keep_its_new_wording_as_context() -> None:
    previous = snapshot(section([2], bullet("The members are:", bullet("A"), bullet("B"))))
    current = snapshot(section([2], bullet("The members now are:", bullet("A"))))

    (compared,) = editions_compare(previous, current).sections

    assert texts(compared.reworded) == ["The members now are:"]
    assert [(c.text, c.context) for c in compared.removed] == [("B", ("The members now are:",))]
    assert compared.reworded[0].where == ""


def test_a_new_bullet_brings_its_points() -> None:
    previous = snapshot(section([2], bullet(PLANS)))
    current = snapshot(section([2], bullet(PLANS), bullet(MEMBERS, bullet("A"), bullet("B"))))

    (compared,) = editions_compare(previous, current).sections

    (added,) = compared.added
    assert added.text == MEMBERS
    assert [point["text"] for point in added.points] == ["A", "B"]


def test_sections_merged_are_compared_as_one() -> None:
    previous = snapshot(section([1], bullet(MET)), section([2], bullet(PLANS)), section([3]))
    current = snapshot(section([1], bullet(MET)), section([2, 3], bullet(PLANS)))

    comparison = editions_compare(previous, current)

    assert [s.heading for s in comparison.sections] == [
        "Recommendation 1",
        "Recommendations 2 and 3",
    ]
    merged = comparison.sections[1]
    assert merged.is_regrouped
    assert merged.previous_headings == ["Recommendation 2", "Recommendation 3"]
    assert merged.current_headings == ["Recommendations 2 and 3"]
    # The bullet moved with its recommendation: not a new one.
    assert (merged.added, merged.removed) == ([], [])
    assert merged.has_changes
    assert [s.heading for s in comparison.unchanged_sections] == ["Recommendation 1"]


def test_sections_split_say_which_section_a_bullet_is_now_in() -> None:
    previous = snapshot(section([2, 3], bullet(PLANS), bullet(MET)))
    current = snapshot(
        section([2], bullet(PLANS)), section([3], bullet(MET_AGAIN), bullet(TRAINING))
    )

    (split,) = editions_compare(previous, current).sections

    assert split.heading == "Recommendations 2 and 3"
    assert split.current_headings == ["Recommendation 2", "Recommendation 3"]
    assert [(c.text, c.section) for c in split.reworded] == [(MET_AGAIN, "Recommendation 3")]
    assert [(c.text, c.section) for c in split.added] == [(TRAINING, "Recommendation 3")]
    assert [(c.text, c.section) for c in split.unchanged] == [(PLANS, "Recommendation 2")]
    assert split.added[0].where == "In Recommendation 3"


def test_sections_sharing_some_numbers_are_grouped() -> None:
    previous = snapshot(section([2, 3], bullet(PLANS)), section([4], bullet(MET)))
    current = snapshot(section([2]), section([3, 4], bullet(PLANS), bullet(MET)))

    (group,) = editions_compare(previous, current).sections

    assert group.numbers == [2, 3, 4]
    assert group.heading == "Recommendations 2, 3 and 4"
    assert (group.added, group.removed) == ([], [])


def test_sections_new_and_no_longer_reported() -> None:
    previous = snapshot(section([1], bullet(MET)), section([5], bullet(PLANS)))
    current = snapshot(section([1], bullet(MET)), section([6], bullet(TRAINING)))

    comparison = editions_compare(previous, current)

    gone, new = comparison.sections[1:]
    assert (gone.heading, gone.is_gone, texts(gone.removed)) == ("Recommendation 5", True, [PLANS])
    assert (new.heading, new.is_new, texts(new.added)) == ("Recommendation 6", True, [TRAINING])
    assert (comparison.added_count, comparison.removed_count) == (1, 1)


def test_words_diff_matches_words_whatever_the_space_before_them() -> None:
    assert words_diff("Home Secretary, Chair", "Jr – Home Secretary, Chair") == (
        DiffToken("added", "Jr –"),
        DiffToken("same", " Home Secretary, Chair"),
    )


@pytest.mark.parametrize(
    ("previous", "current"),
    [
        (MET, MET_AGAIN),
        ("a b c", "a X Y c"),
        ("Hello.", "Hello, world."),
        ("", "Something new."),
        ("Gone entirely.", ""),
        ("“Quoted” words — and dashes.", "“Quoted” words, and dashes!"),
    ],
)
def test_words_diff_gives_back_both_texts(previous: str, current: str) -> None:
    tokens = words_diff(previous, current)

    def spaced(text: str) -> str:
        return " ".join(text.split())

    old = "".join(t.text for t in tokens if t.kind != "added")
    new = "".join(t.text for t in tokens if t.kind != "removed")
    assert spaced(old) == spaced(previous)
    assert spaced(new) == spaced(current)


# The public page


@pytest.fixture
def two_editions(db) -> tuple[QuarterlyUpdate, QuarterlyUpdate]:
    """December 2014 and March 2015, published through the real service, with changes between."""
    first = RecommendationFactory(number=1, status=Recommendation.Status.IN_PROGRESS)
    second = RecommendationFactory(number=2)
    RecommendationFactory(number=3, reported_with=second)

    december = QuarterlyUpdateFactory(period=datetime.date(2014, 12, 1), slug="2014-12")
    ProgressUpdateFactory(edition=december, recommendation=first, text=MET)
    ProgressUpdateFactory(edition=december, recommendation=first, text=PLANS)
    ProgressUpdateFactory(edition=december, recommendation=second, text=TRAINING)
    SectionStatusFactory(edition=december, recommendation=first, status="in_progress")
    publish_for_test(
        december,
        by=None,
        published_at=timezone.make_aware(datetime.datetime(2014, 12, 17, 9)),
    )

    march = QuarterlyUpdateFactory(period=datetime.date(2015, 3, 1), slug="2015-03")
    SectionStatusFactory(edition=march, recommendation=first, status="complete")
    ProgressUpdateFactory(edition=march, recommendation=first, text=MET_AGAIN)
    ProgressUpdateFactory(edition=march, recommendation=first, text=PLANS)
    ProgressUpdateFactory(
        edition=march, recommendation=first, text="<script>alert(1)</script> Plans reviewed."
    )
    ProgressUpdateFactory(
        edition=march,
        recommendation=second,
        source=ProgressUpdate.Source.NO_UPDATE,
        text="",
    )
    publish_for_test(
        march,
        by=None,
        published_at=timezone.make_aware(datetime.datetime(2015, 3, 20, 9)),
    )
    return december, march


def main_content(html: str) -> str:
    return html[html.index('<main class="govuk-main-wrapper"') : html.index("</main>")]


def test_changes_page_shows_what_changed(anonymous_client, two_editions) -> None:
    response = anonymous_client.get("/updates/2015-03/changes/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    html = main_content(response.content.decode())
    assert html.count("<h1") == 1
    headings = re.findall(r"<h([1-6])", html)
    assert all(int(b) - int(a) <= 1 for a, b in itertools.pairwise(headings))
    assert "What changed: National Oversight Group Update Report, March 2015" in (
        response.content.decode()
    )
    assert 'href="/updates/2014-12/"' in html
    assert "National Oversight Group Update Report, December 2014" in html
    # New, removed and reworded bullets; the status change.
    assert "Plans reviewed." in html
    assert TRAINING in html
    assert "No update this quarter." in html
    assert (
        '<del class="app-diff__removed"><span class="govuk-visually-hidden">removed: </span>10 June'
    ) in html
    assert (
        '<ins class="app-diff__added"><span class="govuk-visually-hidden">added: </span>9 September'
    ) in html
    assert re.search(r"In progress</strong>\s*<span aria-hidden=\"true\">→</span>", html)
    assert "Complete</strong>" in html
    assert response.context["comparison"].status_change_count == 1


def test_changes_page_escapes_what_staff_typed(anonymous_client, two_editions) -> None:
    html = anonymous_client.get("/updates/2015-03/changes/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Plans reviewed." in html


def test_the_first_edition_has_no_changes_page(anonymous_client, two_editions) -> None:
    assert anonymous_client.get("/updates/2014-12/changes/").status_code == 404


def test_a_draft_has_no_changes_page(anonymous_client, member_client, two_editions) -> None:
    QuarterlyUpdateFactory(period=datetime.date(2015, 6, 1), slug="2015-06")

    assert anonymous_client.get("/updates/2015-06/changes/").status_code == 404
    assert member_client.get("/updates/2015-06/changes/").status_code == 404
    assert anonymous_client.get("/updates/no-such-edition/changes/").status_code == 404


def test_identical_editions_say_nothing_changed(anonymous_client, two_editions) -> None:
    _december, march = two_editions
    june = QuarterlyUpdateFactory(period=datetime.date(2015, 6, 1), slug="2015-06")
    for bullet_ in ProgressUpdate.objects.filter(edition=march):
        ProgressUpdateFactory(
            edition=june,
            recommendation=bullet_.recommendation,
            source=bullet_.source,
            text=bullet_.text,
        )
    publish_for_test(june, by=None)

    html = anonymous_client.get("/updates/2015-06/changes/").content.decode()

    assert "Nothing changed in the progress reported" in html
    assert "<ins" not in html
    assert "<del" not in html


def test_changes_page_query_count(anonymous_client, two_editions, django_assert_num_queries):
    # 1. The edition's latest publication, with its edition.
    # 2. The latest publication of the newest earlier published edition, with its edition.
    # Everything else comes from the two snapshots: no query grows with the bullets.
    with django_assert_num_queries(2):
        response = anonymous_client.get("/updates/2015-03/changes/")

    assert response.status_code == 200
