"""What stops an edition being published, and what looks like personal data in it."""

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from reports.checks import edition_problems, personal_data_warnings
from reports.models import ProgressUpdate, QuarterlyUpdate
from reports.snapshot import edition_snapshot
from tests.oversight.factories import MemberFactory
from tests.recommendations.factories import RecommendationFactory
from tests.reports.factories import ProgressUpdateFactory, ReadyToPublishQuarterlyUpdateFactory

pytestmark = pytest.mark.django_db


def _problems(edition: QuarterlyUpdate) -> list[str]:
    return edition_problems(edition, edition_snapshot(edition))


def _content(text: str, *, signatory: str = "The Rt Hon Theresa May MP") -> dict[str, Any]:
    """A snapshot whose only text is one bullet."""
    return {
        "foreword": {"paragraphs": [], "signatory_name": signatory, "signature_description": ""},
        "sections": [
            {
                "heading": "Recommendation 1",
                "numbers": [1],
                "recommendations": [],
                "bullets": [{"text": text, "points": []}],
            },
        ],
    }


def _found(text: str, **kwargs: Any) -> list[str]:
    return [warning.found for warning in personal_data_warnings(_content(text, **kwargs))]


def test_a_complete_edition_has_no_problems() -> None:
    assert _problems(ReadyToPublishQuarterlyUpdateFactory()) == []


@pytest.mark.parametrize(
    ("missing", "message", "field"),
    [
        ({"foreword": ""}, "Write the foreword", "foreword"),
        ({"foreword": "\n\n  \n"}, "Write the foreword", "foreword"),
        ({"signatory_name": ""}, "Enter who signs the foreword", "signatory_name"),
        ({"signatory_role": " "}, "Enter the role of who signs the foreword", "signatory_role"),
    ],
)
def test_each_missing_part_of_the_foreword_is_a_problem(missing, message, field) -> None:
    [problem] = _problems(ReadyToPublishQuarterlyUpdateFactory(**missing))

    assert problem.startswith(message)
    assert problem.field == field


def test_a_section_without_progress_is_a_problem_naming_it() -> None:
    RecommendationFactory(number=1, title="National oversight group")
    plans = RecommendationFactory(number=2, title="Force action plans")
    RecommendationFactory(number=3, title="Leadership priority", reported_with=plans)
    edition = ReadyToPublishQuarterlyUpdateFactory()
    edition.bullets.filter(recommendation__number=2).delete()

    [problem] = _problems(edition)

    assert problem == (
        "Add progress for Recommendations 2 and 3 (Force action plans; Leadership priority): "
        "at least one bullet, or one with the source “No update this quarter”."
    )
    assert problem.field == "section:2"  # fixed on the section's own page


def test_no_update_this_quarter_is_progress_enough() -> None:
    edition = ReadyToPublishQuarterlyUpdateFactory()
    bullet = edition.bullets.get()
    bullet.delete()
    ProgressUpdateFactory(
        edition=edition,
        recommendation=bullet.recommendation,
        source=ProgressUpdate.Source.NO_UPDATE,
        text="",
    )

    assert _problems(edition) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Write to jane.doe+refuge@example.org.uk for details.", "jane.doe+refuge@example.org.uk"),
        ("Call 020 7946 0958 today.", "020 7946 0958"),
        ("Call 07700900123.", "07700900123"),
        ("Call +44 7700 900123.", "+44 7700 900123"),
        ("She lives at SW1A 2AA now.", "SW1A 2AA"),
        ("Met at M1 1AE.", "M1 1AE"),
    ],
)
def test_contact_details_are_personal_data(text, found) -> None:
    assert _found(text) == [found]


@pytest.mark.parametrize(
    "text",
    [
        "The review will take 12-18 months.",
        "All 43 forces reported in 2014 and 2015.",
        "Resources are on the you.GOV website.",
        "A victim's case number 2014/123.",
    ],
)
def test_numbers_and_addresses_that_are_not_contact_details(text) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("A statement from Mrs Smith was read.", "Mrs Smith"),
        ("DC Jones attended the address.", "DC Jones"),
        ("Dr. O'Brien gave evidence.", "Dr. O'Brien"),
        ("Detective Chief Inspector Lee-Potter led it.", "Detective Chief Inspector Lee-Potter"),
        ("Mr John McDonald and his partner.", "Mr John McDonald"),
        ("The victim, Jane Smith, was visited.", "Jane Smith"),
        ("Gareth Hill-Jones was charged.", "Gareth Hill-Jones"),
        ("Report by Stephen Lawrence Inquiry staff.", "Stephen Lawrence"),
        ("Officers spoke to Kelly Ann Morgan's mother.", "Kelly Ann Morgan"),
    ],
)
def test_names_of_people_are_personal_data(text, found) -> None:
    assert _found(text) == [found]


@pytest.mark.parametrize(
    "text",
    [
        "The Home Office has begun work.",
        "The College of Policing is updating guidance.",
        "Including the Crown Prosecution Service and probation.",
        "The College's What Works Centre for Crime Reduction is undertaking a review.",
        "The events began in September 2014.",
        "Victim Support and Christian Aid took part.",
        "At the June meeting the Home Secretary tasked other Government Departments.",
        "The Lord Chancellor and the Lord Chief Justice agreed.",
        "Her Majesty's Inspectorate of Constabulary (HMIC) reported.",
        "Vera Baird – Representing PCCs (Labour)",
        "The Violence Against Women and Girls (VAWG IMG) strategy.",
        "Offices on Victoria Street.",
        "Mr. and Mrs. were written out in the form.",
        "mrs smith in lower case is not looked for.",
    ],
)
def test_organisations_places_and_dates_are_not_names(text) -> None:
    assert _found(text) == []


def test_group_members_past_and_present_may_be_named() -> None:
    MemberFactory(name="Louisa Rolfe", honorific="ACC")
    MemberFactory(name="Jon Murphy", honorific="Chief Constable Sir")
    MemberFactory(name="Gillian Strong", left_on=datetime.date(2014, 1, 1))

    text = (
        "ACC Louisa Rolfe and Louisa Rolfe, ACC Rolfe, Chief Constable Sir Jon Murphy, "
        "Sir Jon Murphy and Gillian Strong spoke; so did Mrs Strong."
    )

    assert _found(text) == []


def test_the_signatory_may_be_named() -> None:
    text = "The Rt Hon Theresa May MP, Mrs May and Ms Theresa May signed."

    assert _found(text, signatory="The Rt Hon Theresa May MP") == []
    assert _found(text, signatory="The Rt Hon Amber Rudd MP") == [
        "Rt Hon Theresa May",
        "Mrs May",
        "Ms Theresa May",
    ]


def test_the_members_are_read_only_when_a_name_is_found(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        personal_data_warnings(_content("The Home Office wrote to jane@example.org."))
    with django_assert_num_queries(1):
        personal_data_warnings(_content("Mrs Smith, Mr Jones and Jane Doe."))


def test_a_warning_says_where_and_shows_the_words_around_it() -> None:
    text = (
        "The second meeting in September focused on reviewing developing force plans, "
        "with evidence from Mrs Smith about her experience of the court process in 2014."
    )

    [warning] = personal_data_warnings(_content(text))

    assert warning.where == "Recommendation 1"
    assert warning.field == "section:1"
    assert warning.label == "the name of someone who is not a group member"
    assert (warning.before, warning.found, warning.after) == (
        "…force plans, with evidence from ",
        "Mrs Smith",
        " about her experience of the court…",
    )
    assert warning == (
        "Recommendation 1 contains what looks like the name of someone who is not a group "
        "member: “Mrs Smith”, in “…force plans, with evidence from Mrs Smith about "
        "her experience of the court…”."
    )


def test_the_foreword_and_signature_description_are_checked() -> None:
    content = _content("Nothing here.")
    content["foreword"]["paragraphs"] = ["I met Jane Smith."]
    content["foreword"]["signature_description"] = "Signed for Theresa May by Mr Brown."

    warnings = personal_data_warnings(content)

    assert [(warning.where, warning.field, warning.found) for warning in warnings] == [
        ("The foreword", "foreword", "Jane Smith"),
        ("The signature description", "signature_description", "Mr Brown"),
    ]


def test_the_december_2014_edition_has_no_problems_and_no_warnings() -> None:
    call_command("load_hmic_2014", stdout=StringIO())
    edition = QuarterlyUpdate.objects.get(slug="2014-12")
    content = edition_snapshot(edition)

    assert edition_problems(edition, content) == []
    assert personal_data_warnings(content) == []
