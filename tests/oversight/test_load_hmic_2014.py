"""`manage.py load_hmic_2014`: the December 2014 report and the 43 forces, loaded safely.

The expected texts below are typed out from the published report on purpose, independently of
`oversight/seed/hmic_2014.py`, so a slip in the project's copy of the data shows up here.
"""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError

from forces.models import ActionPlan, Force
from oversight.models import LoadedRecord, Meeting, Member, Organisation
from recommendations.models import Area, Recommendation
from reports.models import ProgressUpdate, QuarterlyUpdate
from tests.forces.factories import ForceFactory
from tests.oversight.factories import ChairFactory
from tests.recommendations.factories import RecommendationFactory

pytestmark = pytest.mark.django_db

# ... + 11 section statuses: each recommendation's status in the 2014 edition.
SEEDED_ROWS = 12 + 15 + 4 + 5 + 11 + 43 + 43 + 1 + 24 + 11

MEMBER_LINES = [
    "Home Secretary, Chair",
    "Minister of State for Crime Prevention",
    "Zoe Billingham – HMIC",
    "Alex Marshall – College of Policing",
    "ACC Louisa Rolfe – National Policing Lead on Domestic Abuse",
    "Chief Constable Sir Jon Murphy – National Policing Lead on Crime",
    "Vera Baird – Representing PCCs (Labour)",
    "Katy Bourne – Representing PCCs (Conservative)",
    "Ron Ball – Representing PCCs (Independent)",
    "Polly Neate – Women's Aid",
    "Sandra Horley – Refuge",
    "Diana Barran – Co-ordinated Action Against Domestic Abuse",
    "Jo Todd – Respect",
    "Marai Larasi – Imkaan",
    "Carolyn Hodrien – Victim Support",
]

AREA_LINES = [
    "Initial Investigation.",
    "Performance.",
    "Risk Assessment.",
    "Victim Safety Planning.",
    "Victim and Perpetrator Management.",
]

FOREWORD_PARAGRAPHS = [
    "Domestic abuse destroys lives. Victims face the worst kinds of cruelty from those they love and trust. I am clear that this horrific crime has to stop, and to achieve this we must bring it out from behind closed doors and make it 'everyone's business'. Those victims who are brave enough to seek help are owed the best possible standard of response.",
    "In September 2013 I commissioned Her Majesty's Inspectorate of Constabulary (HMIC) to review the police response to domestic abuse, because I was concerned that victims were being failed by the very organisation that should be protecting them. When HMIC reported its findings in March, like many others I was appalled by the scale of the failures exposed.",
    "In response, I wrote to all chief constables setting out my expectation that every force should have a plan in place by the end of September to address HMIC's local and national findings. I will make sure meaningful and lasting improvements are made. To achieve this, I have set up a new National Oversight Group, which I am chairing, to drive delivery against each of HMIC's eleven national recommendations.",
    "I want to see the best possible performance from the police on domestic abuse so that more victims are protected and others have the confidence to come forward. To make sure the public see the progress that is being made, I committed to publish quarterly updates on the work of the National Oversight Group. The Group met for the first time on 10 June and agreed its terms of reference. The second meeting took place on 4 September. This first update captures the progress that was discussed at that meeting.",
    "I am delighted to be able to share this work with you. I am confident that we are already delivering the culture change that is so urgently needed in the police response to domestic abuse and that we are a significant step closer to a police force that victims of this terrible crime can rely on.",
]

RECOMMENDATION_TEXTS = {
    2: "By September 2014, every police force in England and Wales should establish and publish an **action plan** that specifies in detail what steps it will take to improve its approach to domestic abuse.",
    3: "To inform the action plan chief constables should review how they, and their senior officials, **give full effect to their forces' stated priority** on domestic abuse.",
    4: "Data collected on domestic abuse need to be consistent, comparable, accessible and accurate so that they can be used to monitor progress. This requires the Home Office to develop **national data standards** in relation to domestic abuse data. In addition, the views of victims are an essential element in monitoring police effectiveness. The Home Office should ensure that the **views of victims** of domestic abuse are incorporated routinely and consistently into national monitoring arrangements.",
    5: "The College of Policing is updating authorised professional practice for officers on domestic abuse alongside other areas such as investigation and public protection. This update should be informed by the conclusions of and recommendations in this report, together with existing reviews of domestic abuse best practice, and should be developed with contributions from a wide set of interested parties.",
    10: "Police and crime commissioners should consider the findings and recommendations of this report when **commissioning services** for victims of domestic abuse.",
}

# Top-level bullets of each section, in the report's order.
SECTION_BULLETS = {
    1: [
        "A National Oversight Group, chaired by Home Secretary, has been established to monitor and report on progress made in implementing HMIC's recommendations. Membership draws on expertise and leadership on domestic abuse across statutory and voluntary sectors. Members are as follows:",
        "The first meeting, held in June, agreed Terms of Reference.",
        "The second meeting in September focused on reviewing developing force plans.",
        "Two further meetings will be convened in December and March to review progress. Further updates will be published following future meetings.",
    ],
    2: [
        "The national policing lead has established working-level groups that are led by police officers, and include academics, voluntary sector groups, representative from the College of Policing, and Home Office and CPS officials. There is a group focused on each of the following areas:",
        "The work of these groups has informed the development of individual force action plans.",
        "All 43 forces have provided an action plan to HMIC. A paper review of the quality will be carried out in the next two months, by members of statutory and voluntary sectors. Initial high level assessment of forces' policing plans by the national policing lead demonstrates that forces are developing actions covering the right areas.",
        "Plans will need to be refreshed as other HMIC recommendations are delivered. Scrutiny and assessment of force plans will continue to be monitored by future meetings of the National Oversight Group.",
    ],
    7: [
        "Collaboration has begun between the College and Coordinated Action Against Domestic Abuse (CAADA). A member of the CAADA team joined the College on 1st September to embed a victim perspective in a new review of domestic abuse-related learning programmes.",
        "The review will report in the autumn with recommendations for any further development.",
    ],
    8: [
        "The College's What Works Centre for Crime Reduction is undertaking a review of the evidence base on the effectiveness of criminal justice interventions in reducing domestic abuse, including perpetrator programmes. The review will be published in 2015.",
    ],
    11: [
        "At the June meeting of the Inter-Ministerial Group on Violence Against Women and Girls (VAWG IMG), the Home Secretary tasked other Government Departments to consider their position on a further multi-agency inspection on domestic abuse.",
        "Ministers will provide updates on their position through the VAWG IMG.",
    ],
}

TOP_LEVEL_BULLETS_PER_SECTION = {1: 4, 2: 4, 4: 2, 5: 1, 6: 2, 7: 2, 8: 1, 9: 2, 10: 2, 11: 2}


def load() -> str:
    out = StringIO()
    call_command("load_hmic_2014", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = (Organisation, Member, Meeting, Area, Recommendation, Force, ActionPlan)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["QuarterlyUpdate"] = QuarterlyUpdate.objects.count()
    counts["ProgressUpdate"] = ProgressUpdate.objects.count()
    counts["LoadedRecord"] = LoadedRecord.objects.count()
    return counts


@pytest.fixture
def first_output() -> str:
    return load()


def test_loads_every_row_once(first_output):
    assert row_counts() == {
        "Organisation": 12,
        "Member": 15,
        "Meeting": 4,
        "Area": 5,
        "Recommendation": 11,
        "Force": 43,
        "ActionPlan": 43,
        "QuarterlyUpdate": 1,
        "ProgressUpdate": 24,
        "LoadedRecord": SEEDED_ROWS,
    }
    assert "Recommendations: 11 created, 0 unchanged" in first_output
    assert "Section statuses: 11 created, 0 unchanged" in first_output
    assert f"Created {SEEDED_ROWS} records." in first_output


def test_the_2014_edition_reports_on_the_september_meeting_with_its_statuses(first_output):
    edition = QuarterlyUpdate.objects.select_related("reports_on_meeting").get()

    assert edition.reports_on_meeting.date_label == "4 September 2014"
    assert set(edition.section_statuses.values_list("status", "confidence", "reason")) == {
        ("in_progress", "", "")
    }
    assert edition.section_statuses.count() == 11


def test_member_labels_match_the_report_in_order(first_output):
    members = Member.objects.in_listing_order()
    assert [member.listing_label for member in members] == MEMBER_LINES
    assert [member.display_order for member in members] == list(range(1, 16))


def test_the_home_secretary_chairs_for_the_home_office(first_output):
    chair = Member.objects.get(is_chair=True)
    assert (chair.name, chair.role, chair.organisation.name) == (
        "",
        "Home Secretary",
        "Home Office",
    )
    assert not Member.objects.filter(joined_on__isnull=False).exists()
    caada = Organisation.objects.get(abbreviation="CAADA")
    assert caada.name == "Co-ordinated Action Against Domestic Abuse"


def test_meetings_two_held_two_planned(first_output):
    meetings = [
        (meeting.date_label, meeting.status, meeting.focus) for meeting in Meeting.objects.all()
    ]
    assert meetings == [
        ("10 June 2014", "held", "agreed Terms of Reference"),
        ("4 September 2014", "held", "reviewing developing force plans"),
        ("December 2014", "planned", "review progress"),
        ("March 2015", "planned", "review progress"),
    ]


def test_areas_in_the_report_order(first_output):
    areas = Area.objects.all()
    assert [f"{area.name}." for area in areas] == AREA_LINES
    assert [area.position for area in areas] == [1, 2, 3, 4, 5]
    assert areas[0].slug == "initial-investigation"


def test_recommendation_texts_keep_the_bold_markers(first_output):
    texts = dict(
        Recommendation.objects.filter(number__in=RECOMMENDATION_TEXTS).values_list("number", "text")
    )
    assert texts == RECOMMENDATION_TEXTS
    assert list(Recommendation.objects.values_list("number", flat=True)) == list(range(1, 12))
    assert set(Recommendation.objects.values_list("status", flat=True)) == {"in_progress"}


def test_recommendation_3_is_reported_with_2(first_output):
    rec2 = Recommendation.objects.get(number=2)
    rec3 = Recommendation.objects.get(number=3)
    assert rec3.reported_with == rec2
    assert rec2.due_by == datetime.date(2014, 9, 30)
    assert rec3.due_by is None
    assert Recommendation.objects.leading_sections().count() == 10


def test_recommendations_are_addressed_to_the_bodies_their_texts_name(first_output):
    addressed = {
        rec.number: sorted(org.name for org in rec.addressed_to.all())
        for rec in Recommendation.objects.prefetch_related("addressed_to")
    }
    assert addressed[3] == ["Chief constables"]
    assert addressed[4] == addressed[9] == ["Home Office"]
    assert addressed[6] == ["College of Policing"]
    assert addressed[10] == ["Police and crime commissioners"]


def test_43_forces_each_with_a_provided_plan(first_output):
    assert Force.objects.filter(nation=Force.Nation.ENGLAND).count() == 39
    assert list(Force.objects.filter(nation=Force.Nation.WALES).values_list("name", flat=True)) == [
        "Dyfed-Powys Police",
        "Gwent Police",
        "North Wales Police",
        "South Wales Police",
    ]
    assert Force.objects.get(slug="avon-and-somerset-constabulary").nation == "england"
    plans = ActionPlan.objects.all()
    assert {(plan.version, plan.status, plan.provided_on) for plan in plans} == {
        (1, ActionPlan.Status.PROVIDED, None)
    }
    assert plans.values("force").distinct().count() == 43


def test_the_edition_is_published_with_the_foreword(first_output):
    edition = QuarterlyUpdate.objects.published().get()
    assert edition.slug == "2014-12"
    assert edition.period == datetime.date(2014, 12, 1)
    assert edition.title == "National Oversight Group Update Report"
    assert edition.series == "HMIC Domestic Abuse Review"
    assert edition.publisher.name == "Home Office"
    assert edition.foreword_heading == "Home Secretary Foreword"
    assert edition.foreword_paragraphs == FOREWORD_PARAGRAPHS
    assert edition.foreword == "\n\n".join(FOREWORD_PARAGRAPHS)
    assert (
        edition.signature_description
        == "A handwritten signature in black ink, which appears to read 'Theresa May'."
    )
    assert edition.signatory_name == "The Rt Hon Theresa May MP"
    assert edition.signatory_role == "Home Secretary"
    assert edition.published_at == datetime.datetime(2014, 12, 1, tzinfo=ZoneInfo("Europe/London"))


def test_bullets_in_the_report_order(first_output):
    top_level = ProgressUpdate.objects.filter(parent__isnull=True).select_related("recommendation")
    by_section: dict[int, list[ProgressUpdate]] = {}
    for bullet in top_level.order_by("recommendation__number", "position"):
        by_section.setdefault(bullet.recommendation.number, []).append(bullet)
    assert {number: len(bullets) for number, bullets in by_section.items()} == (
        TOP_LEVEL_BULLETS_PER_SECTION
    )
    for number, texts in SECTION_BULLETS.items():
        assert [bullet.text for bullet in by_section[number]] == texts
        assert [bullet.position for bullet in by_section[number]] == list(range(1, len(texts) + 1))
    assert {bullet.source for bullet in top_level} == {ProgressUpdate.Source.WRITTEN}


def test_member_and_area_lists_are_generated_sub_points(first_output):
    sub_points = ProgressUpdate.objects.filter(parent__isnull=False).select_related(
        "parent", "recommendation"
    )
    assert [
        (point.recommendation.number, point.parent.position, point.source, point.text)
        for point in sub_points.order_by("recommendation__number")
    ] == [
        (1, 1, ProgressUpdate.Source.MEMBER_LIST, ""),
        (2, 1, ProgressUpdate.Source.AREA_LIST, ""),
    ]
    assert all(point.parent.recommendation_id == point.recommendation_id for point in sub_points)


def test_running_twice_changes_nothing(first_output, django_assert_max_num_queries):
    counts = row_counts()
    with django_assert_max_num_queries(40):
        second_output = load()
    assert row_counts() == counts
    assert "Nothing created" in second_output
    assert "Recommendations: 0 created, 11 unchanged, 0 kept" in second_output
    assert "Progress updates: 0 created, 24 unchanged, 0 kept" in second_output
    assert all(
        line.split(": ")[1].startswith("0 created") for line in second_output.splitlines()[:9]
    )
    assert "Kept" not in second_output


def test_staff_edits_are_kept_and_listed(first_output):
    rec4 = Recommendation.objects.get(number=4)
    rec4.text = "Edited by the secretariat."
    rec4.save()
    zoe = Member.objects.get(name="Zoe Billingham")
    zoe.name = "Zoë Billingham"
    zoe.save()
    rec10 = Recommendation.objects.get(number=10)
    rec10.addressed_to.add(Organisation.objects.get(name="Home Office"))

    output = load()

    rec4.refresh_from_db()
    zoe.refresh_from_db()
    assert rec4.text == "Edited by the secretariat."
    assert zoe.name == "Zoë Billingham"
    assert Recommendation.objects.get(number=10).addressed_to.count() == 2
    assert Member.objects.count() == 15
    assert "Recommendations: 0 created, 9 unchanged, 2 kept (edited since loading)" in output
    assert "Members: 0 created, 14 unchanged, 1 kept (edited since loading)" in output
    assert "Kept 3 records edited since the last load (not overwritten):" in output
    assert "  Recommendation 4: Data standards and victims' views (changed: text)" in output
    assert "  Recommendation 10: Commissioning services (changed: addressed to)" in output
    assert "  Zoë Billingham – HMIC (changed: name)" in output


def test_deleted_records_are_not_recreated(first_output):
    Member.objects.get(name="Jo Todd").delete()
    ActionPlan.objects.get(force__slug="gwent-police").delete()

    output = load()

    assert Member.objects.count() == 14
    assert not ActionPlan.objects.filter(force__slug="gwent-police").exists()
    assert "Members: 0 created, 14 unchanged, 0 kept (edited since loading), 1 deleted" in output
    assert "Action plans: 0 created, 42 unchanged, 0 kept (edited since loading), 1 deleted" in (
        output
    )
    assert "Not recreated 2 records deleted since loading:" in output
    assert "  member:jo-todd" in output
    assert "  plan:gwent-police:1" in output


def test_the_published_edition_cannot_be_deleted_but_a_deleted_bullet_stays_deleted(
    first_output,
):
    with pytest.raises(ProtectedError):
        QuarterlyUpdate.objects.get(slug="2014-12").delete()
    ProgressUpdate.objects.get(text__startswith="Ministers will provide updates").delete()

    output = load()

    assert ProgressUpdate.objects.count() == 23
    assert (
        "Progress updates: 0 created, 23 unchanged, 0 kept (edited since loading), 1 deleted"
        in output
    )
    assert "  bullet:2014-12:rec11:2" in output


def test_existing_rows_with_the_same_natural_key_are_adopted():
    staff_rec = RecommendationFactory(number=4, title="Data", text="Typed in by hand.")
    gwent = ForceFactory(name="Gwent Police", slug="gwent-police", nation=Force.Nation.WALES)

    output = load()

    assert Recommendation.objects.count() == 11
    assert Force.objects.count() == 43
    staff_rec.refresh_from_db()
    assert staff_rec.text == "Typed in by hand."
    assert LoadedRecord.objects.get(key="recommendation:4").record == staff_rec
    assert LoadedRecord.objects.get(key="force:gwent-police").record == gwent
    assert "Recommendations: 10 created, 0 unchanged, 1 kept" in output
    assert "Forces: 42 created, 1 unchanged" in output
    assert "  Recommendation 4: Data (changed: title, text, addressed to)" in output


def test_a_clash_stops_the_load_and_saves_nothing():
    ChairFactory(role="Home Secretary")

    with pytest.raises(
        CommandError, match=r"Cannot load member:home-secretary: .*already has a chair"
    ):
        load()

    assert Member.objects.count() == 1
    assert not Organisation.objects.exclude(members__isnull=False).exists()
    assert not LoadedRecord.objects.exists()


def test_rows_that_need_a_deleted_record_are_skipped(first_output):
    # As if the plans were added to the data after staff deleted the force.
    gwent = Force.objects.get(slug="gwent-police")
    ActionPlan.objects.filter(force=gwent).delete()
    gwent.delete()
    LoadedRecord.objects.filter(key__startswith="plan:").delete()

    output = load()

    assert ActionPlan.objects.count() == 42
    assert "Action plans: 0 created, 42 unchanged" in output
    assert "1 skipped (they need a deleted record)" in output
    assert "  plan:gwent-police:1 (needs force:gwent-police)" in output
