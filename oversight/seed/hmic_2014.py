"""The December 2014 National Oversight Group update report, written out as data.

Copied from the published report (Home Office, “HMIC Domestic Abuse Review: National Oversight
Group Update Report”, December 2014). Texts are the report's words exactly, straight
apostrophes and en dashes included; double asterisks mark the phrases the report prints in
bold. `oversight.seed.loader` turns these rows into database records.
"""

import csv
import datetime
from pathlib import Path
from typing import NotRequired, TypedDict
from zoneinfo import ZoneInfo

FORCES_CSV = Path(__file__).with_name("forces.csv")

EDITION_SLUG = "2014-12"


class OrganisationRow(TypedDict):
    name: str
    abbreviation: str
    sector: str


class MemberRow(TypedDict):
    key: str
    name: str
    honorific: str
    role: str
    organisation: str | None
    represents: str
    is_chair: bool


class MeetingRow(TypedDict):
    key: str
    date: datetime.date
    date_precision: str
    status: str
    focus: str


class RecommendationRow(TypedDict):
    number: int
    title: str
    text: str
    addressed_to: tuple[str, ...]
    due_by: datetime.date | None
    reported_with: int | None


class SubPointRow(TypedDict):
    source: str


class BulletRow(TypedDict):
    text: str
    sub_points: NotRequired[tuple[SubPointRow, ...]]


class SectionRow(TypedDict):
    recommendation: int
    bullets: tuple[BulletRow, ...]


class ForceRow(TypedDict):
    name: str
    nation: str


class ActionPlanRow(TypedDict):
    version: int
    status: str
    provided_on: datetime.date | None


class EditionRow(TypedDict):
    slug: str
    period: datetime.date
    title: str
    series: str
    publisher: str
    foreword_heading: str
    foreword: str
    signature_description: str
    signatory_name: str
    signatory_role: str


# The member list prints “Zoe Billingham – HMIC” but “Diana Barran – Co-ordinated Action
# Against Domestic Abuse”, and Member.listing_label shows the organisation's name: so HMIC is
# stored under the name the list uses, and CAADA under its full name with its abbreviation.
# Sectors, for assigning reviewers ("by members of statutory and voluntary sectors"): public
# bodies and police bodies are statutory, the charities voluntary.
ORGANISATIONS: tuple[OrganisationRow, ...] = (
    {"name": "Home Office", "abbreviation": "", "sector": "statutory"},
    {"name": "HMIC", "abbreviation": "", "sector": "statutory"},
    {"name": "College of Policing", "abbreviation": "", "sector": "statutory"},
    {"name": "Women's Aid", "abbreviation": "", "sector": "voluntary"},
    {"name": "Refuge", "abbreviation": "", "sector": "voluntary"},
    {
        "name": "Co-ordinated Action Against Domestic Abuse",
        "abbreviation": "CAADA",
        "sector": "voluntary",
    },
    {"name": "Respect", "abbreviation": "", "sector": "voluntary"},
    {"name": "Imkaan", "abbreviation": "", "sector": "voluntary"},
    {"name": "Victim Support", "abbreviation": "", "sector": "voluntary"},
    # Not on the group: bodies the recommendations are addressed to.
    {"name": "Police and crime commissioners", "abbreviation": "PCCs", "sector": "statutory"},
    {"name": "Police forces in England and Wales", "abbreviation": "", "sector": "statutory"},
    {"name": "Chief constables", "abbreviation": "", "sector": "statutory"},
)

# In the report's order (display_order 1 to 15). The report gives no joining dates, and names
# no force or organisation for the two national policing leads or the three PCCs.
MEMBERS: tuple[MemberRow, ...] = (
    {
        "key": "member:home-secretary",
        "name": "",
        "honorific": "",
        "role": "Home Secretary",
        "organisation": "Home Office",
        "represents": "",
        "is_chair": True,
    },
    {
        "key": "member:minister-of-state-for-crime-prevention",
        "name": "",
        "honorific": "",
        "role": "Minister of State for Crime Prevention",
        "organisation": "Home Office",
        "represents": "",
        "is_chair": False,
    },
    {
        "key": "member:zoe-billingham",
        "name": "Zoe Billingham",
        "honorific": "",
        "role": "",
        "organisation": "HMIC",
        "represents": "",
        "is_chair": False,
    },
    {
        "key": "member:alex-marshall",
        "name": "Alex Marshall",
        "honorific": "",
        "role": "",
        "organisation": "College of Policing",
        "represents": "",
        "is_chair": False,
    },
    {
        "key": "member:louisa-rolfe",
        "name": "Louisa Rolfe",
        "honorific": "ACC",
        "role": "National Policing Lead on Domestic Abuse",
        "organisation": None,
        "represents": "",
        "is_chair": False,
    },
    {
        "key": "member:jon-murphy",
        "name": "Jon Murphy",
        "honorific": "Chief Constable Sir",
        "role": "National Policing Lead on Crime",
        "organisation": None,
        "represents": "",
        "is_chair": False,
    },
    {
        "key": "member:vera-baird",
        "name": "Vera Baird",
        "honorific": "",
        "role": "",
        "organisation": None,
        "represents": "PCCs (Labour)",
        "is_chair": False,
    },
    {
        "key": "member:katy-bourne",
        "name": "Katy Bourne",
        "honorific": "",
        "role": "",
        "organisation": None,
        "represents": "PCCs (Conservative)",
        "is_chair": False,
    },
    {
        "key": "member:ron-ball",
        "name": "Ron Ball",
        "honorific": "",
        "role": "",
        "organisation": None,
        "represents": "PCCs (Independent)",
        "is_chair": False,
    },
    {
        "key": "member:polly-neate",
        "name": "Polly Neate",
        "honorific": "",
        "role": "",
        "organisation": "Women's Aid",
        "represents": "",
        "is_chair": False,
    },
    {
        "key": "member:sandra-horley",
        "name": "Sandra Horley",
        "honorific": "",
        "role": "",
        "organisation": "Refuge",
        "represents": "",
        "is_chair": False,
    },
    {
        "key": "member:diana-barran",
        "name": "Diana Barran",
        "honorific": "",
        "role": "",
        "organisation": "Co-ordinated Action Against Domestic Abuse",
        "represents": "",
        "is_chair": False,
    },
    {
        "key": "member:jo-todd",
        "name": "Jo Todd",
        "honorific": "",
        "role": "",
        "organisation": "Respect",
        "represents": "",
        "is_chair": False,
    },
    {
        "key": "member:marai-larasi",
        "name": "Marai Larasi",
        "honorific": "",
        "role": "",
        "organisation": "Imkaan",
        "represents": "",
        "is_chair": False,
    },
    {
        "key": "member:carolyn-hodrien",
        "name": "Carolyn Hodrien",
        "honorific": "",
        "role": "",
        "organisation": "Victim Support",
        "represents": "",
        "is_chair": False,
    },
)

# The report dates the held meetings to the day (the foreword: “10 June”, “4 September”) and
# the planned ones to the month only.
MEETINGS: tuple[MeetingRow, ...] = (
    {
        "key": "meeting:2014-06-10",
        "date": datetime.date(2014, 6, 10),
        "date_precision": "day",
        "status": "held",
        "focus": "agreed Terms of Reference",
    },
    {
        "key": "meeting:2014-09-04",
        "date": datetime.date(2014, 9, 4),
        "date_precision": "day",
        "status": "held",
        "focus": "reviewing developing force plans",
    },
    {
        "key": "meeting:2014-12",
        "date": datetime.date(2014, 12, 1),
        "date_precision": "month",
        "status": "planned",
        "focus": "review progress",
    },
    {
        "key": "meeting:2015-03",
        "date": datetime.date(2015, 3, 1),
        "date_precision": "month",
        "status": "planned",
        "focus": "review progress",
    },
)

# The working-group areas, in the report's order (positions 1 to 5).
AREAS: tuple[str, ...] = (
    "Initial Investigation",
    "Performance",
    "Risk Assessment",
    "Victim Safety Planning",
    "Victim and Perpetrator Management",
)

# Every recommendation was in progress as at December 2014.
RECOMMENDATION_STATUS = "in_progress"

# Recommendations 2 and 3 are printed as one paragraph; each keeps its own sentences here, and
# Recommendation 3 is reported with 2. “By September 2014” makes 2 due on 30 September 2014.
# `addressed_to` names the bodies a text asks to act; 1 and 11 ask no named body.
RECOMMENDATIONS: tuple[RecommendationRow, ...] = (
    {
        "number": 1,
        "title": "National oversight group",
        "text": "A national oversight and monitoring group should be established and convened immediately to monitor and report on the progress made in implementing these recommendations. The group should report publicly on progress every quarter. There should be a full review of the police service's progress in relation to all recommendations in 12 months' time.",
        "addressed_to": (),
        "due_by": None,
        "reported_with": None,
    },
    {
        "number": 2,
        "title": "Force action plans",
        "text": "By September 2014, every police force in England and Wales should establish and publish an **action plan** that specifies in detail what steps it will take to improve its approach to domestic abuse.",
        "addressed_to": ("Police forces in England and Wales",),
        "due_by": datetime.date(2014, 9, 30),
        "reported_with": None,
    },
    {
        "number": 3,
        "title": "Leadership priority",
        "text": "To inform the action plan chief constables should review how they, and their senior officials, **give full effect to their forces' stated priority** on domestic abuse.",
        "addressed_to": ("Chief constables",),
        "due_by": None,
        "reported_with": 2,
    },
    {
        "number": 4,
        "title": "Data standards and victims' views",
        "text": "Data collected on domestic abuse need to be consistent, comparable, accessible and accurate so that they can be used to monitor progress. This requires the Home Office to develop **national data standards** in relation to domestic abuse data. In addition, the views of victims are an essential element in monitoring police effectiveness. The Home Office should ensure that the **views of victims** of domestic abuse are incorporated routinely and consistently into national monitoring arrangements.",
        "addressed_to": ("Home Office",),
        "due_by": None,
        "reported_with": None,
    },
    {
        "number": 5,
        "title": "Authorised professional practice",
        "text": "The College of Policing is updating authorised professional practice for officers on domestic abuse alongside other areas such as investigation and public protection. This update should be informed by the conclusions of and recommendations in this report, together with existing reviews of domestic abuse best practice, and should be developed with contributions from a wide set of interested parties.",
        "addressed_to": ("College of Policing",),
        "due_by": None,
        "reported_with": None,
    },
    {
        "number": 6,
        "title": "Risk assessment",
        "text": "The College of Policing is reviewing the evidence base for **risk assessment** in cases of domestic abuse. The College should urgently consider the current approach to risk assessment with others, such as practitioners in forces, academic experts and organisations supporting practitioners and victims. It should make an assessment of the sufficiency of the tools that frontline officers are given to assess risk, and of the training they receive in connection with risk assessment.",
        "addressed_to": ("College of Policing",),
        "due_by": None,
        "reported_with": None,
    },
    {
        "number": 7,
        "title": "Training",
        "text": "The College of Policing should conduct a thorough and fundamental review of the sufficiency and effect of **training** and development on forces' response to domestic abuse. The College of Policing should include successful attainment of professional standards in domestic abuse in the **foundation skills threshold** and specialist skills threshold tests which police officers have to pass to progress up their pay scales.",
        "addressed_to": ("College of Policing",),
        "due_by": None,
        "reported_with": None,
    },
    {
        "number": 8,
        "title": "Serial and repeat perpetrators",
        "text": "The College of Policing, through the national policing lead for domestic abuse, should disseminate to forces examples of how forces are targeting **serial and repeat domestic abuse perpetrators** in order to prevent future offending. The College's What Works Centre for Crime Reduction should provide to forces evidence about how effective **programmes of managing perpetrators** achieve reductions in domestic abuse.",
        "addressed_to": ("College of Policing",),
        "due_by": None,
        "reported_with": None,
    },
    {
        "number": 9,
        "title": "Domestic homicide reviews",
        "text": "The Home Office should reconsider its approach to **domestic homicide** reviews. It needs to re-assess whether the current process, guidance and quality assurance arrangements provide the best opportunities for the improvement of forces' knowledge of and approach to domestic abuse cases.",
        "addressed_to": ("Home Office",),
        "due_by": None,
        "reported_with": None,
    },
    {
        "number": 10,
        "title": "Commissioning services",
        "text": "Police and crime commissioners should consider the findings and recommendations of this report when **commissioning services** for victims of domestic abuse.",
        "addressed_to": ("Police and crime commissioners",),
        "due_by": None,
        "reported_with": None,
    },
    {
        "number": 11,
        "title": "Multi-agency inspection",
        "text": "Tackling domestic abuse requires a number of organisations in both the statutory services (including health, local authorities, the Crown Prosecution Service and probation) and voluntary and community services to work together. Following HMIC's inspection, there should be a **further multi-agency inspection** of these services.",
        "addressed_to": (),
        "due_by": None,
        "reported_with": None,
    },
)

FOREWORD_PARAGRAPHS: tuple[str, ...] = (
    "Domestic abuse destroys lives. Victims face the worst kinds of cruelty from those they love and trust. I am clear that this horrific crime has to stop, and to achieve this we must bring it out from behind closed doors and make it 'everyone's business'. Those victims who are brave enough to seek help are owed the best possible standard of response.",
    "In September 2013 I commissioned Her Majesty's Inspectorate of Constabulary (HMIC) to review the police response to domestic abuse, because I was concerned that victims were being failed by the very organisation that should be protecting them. When HMIC reported its findings in March, like many others I was appalled by the scale of the failures exposed.",
    "In response, I wrote to all chief constables setting out my expectation that every force should have a plan in place by the end of September to address HMIC's local and national findings. I will make sure meaningful and lasting improvements are made. To achieve this, I have set up a new National Oversight Group, which I am chairing, to drive delivery against each of HMIC's eleven national recommendations.",
    "I want to see the best possible performance from the police on domestic abuse so that more victims are protected and others have the confidence to come forward. To make sure the public see the progress that is being made, I committed to publish quarterly updates on the work of the National Oversight Group. The Group met for the first time on 10 June and agreed its terms of reference. The second meeting took place on 4 September. This first update captures the progress that was discussed at that meeting.",
    "I am delighted to be able to share this work with you. I am confident that we are already delivering the culture change that is so urgently needed in the police response to domestic abuse and that we are a significant step closer to a police force that victims of this terrible crime can rely on.",
)

SECTIONS: tuple[SectionRow, ...] = (
    {
        "recommendation": 1,
        "bullets": (
            {
                "text": "A National Oversight Group, chaired by Home Secretary, has been established to monitor and report on progress made in implementing HMIC's recommendations. Membership draws on expertise and leadership on domestic abuse across statutory and voluntary sectors. Members are as follows:",
                "sub_points": ({"source": "member_list"},),
            },
            {"text": "The first meeting, held in June, agreed Terms of Reference."},
            {
                "text": "The second meeting in September focused on reviewing developing force plans."
            },
            {
                "text": "Two further meetings will be convened in December and March to review progress. Further updates will be published following future meetings."
            },
        ),
    },
    {
        "recommendation": 2,
        "bullets": (
            {
                "text": "The national policing lead has established working-level groups that are led by police officers, and include academics, voluntary sector groups, representative from the College of Policing, and Home Office and CPS officials. There is a group focused on each of the following areas:",
                "sub_points": ({"source": "area_list"},),
            },
            {
                "text": "The work of these groups has informed the development of individual force action plans."
            },
            {
                "text": "All 43 forces have provided an action plan to HMIC. A paper review of the quality will be carried out in the next two months, by members of statutory and voluntary sectors. Initial high level assessment of forces' policing plans by the national policing lead demonstrates that forces are developing actions covering the right areas."
            },
            {
                "text": "Plans will need to be refreshed as other HMIC recommendations are delivered. Scrutiny and assessment of force plans will continue to be monitored by future meetings of the National Oversight Group."
            },
        ),
    },
    {
        "recommendation": 4,
        "bullets": (
            {
                "text": "The Home Office has begun work to make collection of data against a national standard on domestic abuse mandatory for all forces from April 2015."
            },
            {
                "text": "The Home Office is also working on establishing a reliable and safe model for surveying the views of domestic abuse victims. The model will be agreed by the National Oversight Group and piloted in a small number of police forces. An evaluation will be carried out before national roll-out."
            },
        ),
    },
    {
        "recommendation": 5,
        "bullets": (
            {
                "text": "The College of Policing is updating existing guidance on Domestic Abuse, to become Authorised Professional Practice (APP). The refreshed draft will be subject to extensive public consultation during the late autumn."
            },
        ),
    },
    {
        "recommendation": 6,
        "bullets": (
            {
                "text": "The College of Policing has set up a group to consider current risk assessment techniques and provide practical advice on how to get the best from them. This group includes academics, and voluntary sector representatives. The first meeting was held in July."
            },
            {
                "text": "The findings of this group will inform the College's longer term work to evaluate risk assessment models for domestic abuse. This longer term piece of work is expected to take 12-18 months."
            },
        ),
    },
    {
        "recommendation": 7,
        "bullets": (
            {
                "text": "Collaboration has begun between the College and Coordinated Action Against Domestic Abuse (CAADA). A member of the CAADA team joined the College on 1st September to embed a victim perspective in a new review of domestic abuse-related learning programmes."
            },
            {
                "text": "The review will report in the autumn with recommendations for any further development."
            },
        ),
    },
    {
        "recommendation": 8,
        "bullets": (
            {
                "text": "The College's What Works Centre for Crime Reduction is undertaking a review of the evidence base on the effectiveness of criminal justice interventions in reducing domestic abuse, including perpetrator programmes. The review will be published in 2015."
            },
        ),
    },
    {
        "recommendation": 9,
        "bullets": (
            {
                "text": "An independent internal review of the domestic homicide review process has been completed, and its recommendations regarding systems and resource are being implemented."
            },
            {
                "text": "The Home Office has held a workshop for experts to review the current process for providing feedback to local areas. Findings from this workshop, and evidence from a review of domestic homicide reviews quality assured to date, will inform a guidance document that will be released in coming months."
            },
        ),
    },
    {
        "recommendation": 10,
        "bullets": (
            {
                "text": "The Home Office is delivering a series of regional commissioning road-shows for all local commissioners to support effective service provision for victims of domestic and sexual violence at a local level. The events, which began in September, bring together commissioners, service providers and survivors to share best practice, consider challenges and identify ways to work together locally to ensure survivors have the support that they need."
            },
            {
                "text": "The road-shows will be supported by practical and accessible resources for commissioners, which will be available as an interactive webpage on the you.GOV website. The resources will include good practice case studies."
            },
        ),
    },
    {
        "recommendation": 11,
        "bullets": (
            {
                "text": "At the June meeting of the Inter-Ministerial Group on Violence Against Women and Girls (VAWG IMG), the Home Secretary tasked other Government Departments to consider their position on a further multi-agency inspection on domestic abuse."
            },
            {"text": "Ministers will provide updates on their position through the VAWG IMG."},
        ),
    },
)

EDITION: EditionRow = {
    "slug": EDITION_SLUG,
    "period": datetime.date(2014, 12, 1),
    "title": "National Oversight Group Update Report",
    "series": "HMIC Domestic Abuse Review",
    "publisher": "Home Office",
    "foreword_heading": "Home Secretary Foreword",
    "foreword": "\n\n".join(FOREWORD_PARAGRAPHS),
    "signature_description": "A handwritten signature in black ink, which appears to read 'Theresa May'.",
    "signatory_name": "The Rt Hon Theresa May MP",
    "signatory_role": "Home Secretary",
}
# “The second meeting took place on 4 September. This first update captures the progress that
# was discussed at that meeting.” (the foreword)
EDITION_REPORTS_ON_MEETING = "meeting:2014-09-04"
# The report gives the month only: midnight on the 1st, London time, stands in for the day.
EDITION_PUBLISHED_AT = datetime.datetime(2014, 12, 1, tzinfo=ZoneInfo("Europe/London"))

# “All 43 forces have provided an action plan to HMIC”; the report does not say when.
ACTION_PLAN: ActionPlanRow = {"version": 1, "status": "provided", "provided_on": None}


def forces() -> list[ForceRow]:
    """The 43 territorial forces of England and Wales, from the project's copy of the list."""
    with FORCES_CSV.open(encoding="utf-8", newline="") as csv_file:
        return [{"name": row["name"], "nation": row["nation"]} for row in csv.DictReader(csv_file)]
