"""Who may reach every URL the project defines: one matrix of URL x role -> expected outcome.

Each row is one request (a method and a URL) with what each of six people should get:

    anonymous     nobody signed in
    member        signed in, in the "Group members" group, not staff
    other member  a second group member: plan reviews are each member's own
    deactivated   a former member who signed in and was then switched off (is_active=False)
    left group    a member who signed in, whose record then got a leaving date in the past
    secretariat   staff in the "Secretariat" group
    superuser     staff with every permission

The expectations are written out by hand, never worked out from the code they check. The one
rule stated instead of written out: a member who has left the group is treated exactly as a
deactivated login, so their column is the deactivated column.
`test_every_url_pattern_has_a_row` fails when a URL pattern (admin ones included) has no row,
so a new view cannot go live without someone deciding who may use it.

The data is made once for the module (the 2014 load, a draft, documents, one record of every
model the admin shows) inside a transaction rolled back at the end; each request runs in a
savepoint of its own, so a POST that deletes or publishes changes nothing for the next one.
"""

import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from forces.models import ActionPlan, Force, ForceConflict, PlanModeration, ReviewAssignment
from oversight.mail import email_queue
from oversight.models import (
    LoadedRecord,
    Meeting,
    MeetingAction,
    Member,
    Organisation,
    RateLimitBucket,
    TaskWorker,
)
from oversight.permissions import CHAIRS_OFFICE, GROUP_MEMBER, SECRETARIAT, role_groups_sync
from recommendations.models import Area, Recommendation
from reports.alerts import unsubscribe_token
from reports.models import (
    AlertSubscription,
    ProgressUpdate,
    PublicationWithdrawal,
    QuarterlyUpdate,
)
from reports.services import edition_approve, edition_mark_ready
from tests.documents import MINIMAL_PDF
from tests.forces.factories import (
    ActionPlanFactory,
    ForceFactory,
    PlanActionFactory,
    PlanReviewFactory,
    ReviewReopeningFactory,
    SubmittedPlanReviewFactory,
)
from tests.oversight.factories import (
    InvitationFactory,
    MeetingActionFactory,
    MeetingFactory,
    MeetingPaperFactory,
    MemberFactory,
    OrganisationFactory,
    StaffUserFactory,
    UserFactory,
)
from tests.recommendations.factories import AreaFactory, RecommendationFactory
from tests.reports.factories import (
    PublicationFactory,
    PublicationPdfFactory,
    PublishedQuarterlyUpdateFactory,
    ReadyToPublishQuarterlyUpdateFactory,
    SharedQuarterlyUpdateFactory,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "member",
    "other member",
    "deactivated",
    "left group",
    "secretariat",
    "superuser",
)
WRITTEN_ROLES = tuple(role for role in ROLES if role != "left group")

GET, POST = "GET", "POST"
CONFIRM_DELETE = {"post": "yes"}  # what the admin's "Yes, I'm sure" button sends
RESET_EMAIL = {"email": "nobody@example.org"}
ALERT_EMAIL = {"email": "reader@example.org"}
SAVE_REVIEW = {"action": "save", "version": 0, "gaps": "No date for training call handlers."}
REOPEN_REVIEW = {"reason": "Please rate Risk Assessment again."}
ASSIGN_ACTION = {"action": "assign_reviewers", "_selected_action": "1"}
AUTO_ASSIGN_ACTION = {"action": "auto_assign_reviewers", "_selected_action": "1"}
COMMENT = {"section": "1", "text": "Please check the date of the second meeting."}
WITHDRAW = {"reason": "The second bullet gave a phone number."}


class Redirect(NamedTuple):
    status: int
    location: str

    def __repr__(self) -> str:
        return f"{self.status} to {self.location}"


def to(location: str) -> Redirect:
    return Redirect(302, location)


def moved(location: str) -> Redirect:
    return Redirect(301, location)


# A redirect to the admin's sign-in page, with ?next= this URL (also for members' downloads:
# LOGIN_URL is the admin's sign-in page).
LOGIN = to("/admin/login/")
# The admin sends people who are not staff away from its sign-out view to its index.
ADMIN = to("/admin/")
# Where the admin goes next after a delete (the model's list) or a save, publish or
# correction (the object's change page); worked out from the row's own URL, see `_expected`.
LIST = to("<the model's list>")
CHANGE = to("<the object's change page>")
# The plan review page again, after a draft is saved.
REVIEW = to("/forces/plans/{reviewed_plan}/review/")
# Members' pages send people to the service's own sign-in page (the admin's admits staff only).
SIGN_IN = to("/accounts/sign-in/")
# Signed in already: the sign-in page goes on to the force plans.
PLANS = to("/forces/plans/")
# A member's comment on the shared draft is saved: back to its preview.
COMMENTED = to("/updates/2015-09/preview/#comments")

Outcome = int | Redirect


@dataclass(frozen=True)
class Row:
    method: str
    url: str  # `{name}` placeholders are filled with the ids of the records made below
    expected: tuple[Outcome, ...]
    data: dict[str, str] | None = None
    bug: str = ""  # a known permission bug: the row is a strict xfail until it is fixed

    @property
    def id(self) -> str:
        return f"{self.method} {self.url}"


def row(method: str, url: str, *expected: Outcome, data=None, bug: str = "") -> Row:
    assert len(expected) == len(WRITTEN_ROLES), f"{method} {url}: {len(expected)} outcomes"
    by_role = dict(zip(WRITTEN_ROLES, expected, strict=True))
    by_role["left group"] = by_role["deactivated"]
    return Row(method, url, tuple(by_role[role] for role in ROLES), data, bug)


# fmt: off
ROWS = [
    #                                                            anonymous member other  deactiv. secretariat superuser
    # ---- Public pages: the same for everyone; read-only, so POST is refused (require_safe) ----
    row(GET,  "/",                                               200,   200,   200,   200,   200,   200),
    row(POST, "/",                                               405,   405,   405,   405,   405,   405),
    row(GET,  "/updates/",                                       200,   200,   200,   200,   200,   200),
    row(POST, "/updates/",                                       405,   405,   405,   405,   405,   405),
    row(GET,  "/updates/feed/",                                  200,   200,   200,   200,   200,   200),
    # Django's Feed view answers any method with the same public XML: nothing to protect.
    row(POST, "/updates/feed/",                                  405,   405,   405,   405,   405,   405),
    row(GET,  "/updates/2014-12.pdf",                            200,   200,   200,   200,   200,   200),
    # A draft has no PDF for anyone: PDFs are made only of publications.
    row(GET,  "/updates/2015-06.pdf",                            404,   404,   404,   404,   404,   404),
    row(POST, "/updates/2014-12.pdf",                            405,   405,   405,   405,   405,   405),
    row(GET,  "/updates/2014-12/",                               200,   200,   200,   200,   200,   200),
    # A draft not shared with the group: the secretariat reads it; others get the same 404 as
    # for no edition. Shared (2015-09), signed-in members read it too.
    row(GET,  "/updates/2015-06/",                               404,   404,   404,   404,   200,   200),
    row(GET,  "/updates/2015-09/",                               404,   200,   200,   404,   200,   200),
    row(POST, "/updates/2014-12/",                               405,   405,   405,   405,   405,   405),
    row(GET,  "/updates/2015-03/changes/",                       200,   200,   200,   200,   200,   200),
    # Changes are between publications: a draft has none, whoever asks.
    row(GET,  "/updates/2015-06/changes/",                       404,   404,   404,   404,   404,   404),
    row(POST, "/updates/2015-03/changes/",                       405,   405,   405,   405,   405,   405),
    row(GET,  "/updates/2015-06/preview/",                       404,   404,   404,   404,   200,   200),
    row(GET,  "/updates/2014-12/preview/",                       404,   404,   404,   404,   200,   200),
    row(GET,  "/updates/2015-09/preview/",                       404,   200,   200,   404,   200,   200),
    row(POST, "/updates/2015-06/preview/",                       405,   405,   405,   405,   405,   405),
    # Comments on a shared draft's sections: group members only (not staff), while shared.
    row(GET,  "/updates/2015-09/preview/comments/",              405,   405,   405,   405,   405,   405),
    row(POST, "/updates/2015-09/preview/comments/",              404,   COMMENTED, COMMENTED, 404, 403, 403, data=COMMENT),
    # An empty comment: the preview again, with the error summary.
    row(POST, "/updates/2015-09/preview/comments/?empty",        404,   200,   200,   404,   403,   403),
    row(POST, "/updates/2015-06/preview/comments/",              404,   404,   404,   404,   403,   403, data=COMMENT),
    row(GET,  "/updates/2014-12/revisions/1/",                   200,   200,   200,   200,   200,   200),
    row(GET,  "/updates/2015-06/revisions/1/",                   404,   404,   404,   404,   404,   404),
    row(POST, "/updates/2014-12/revisions/1/",                   405,   405,   405,   405,   405,   405),
    row(GET,  "/recommendations/",                               200,   200,   200,   200,   200,   200),
    row(POST, "/recommendations/",                               405,   405,   405,   405,   405,   405),
    row(GET,  "/recommendations/1/",                             200,   200,   200,   200,   200,   200),
    row(POST, "/recommendations/1/",                             405,   405,   405,   405,   405,   405),
    row(GET,  "/recommendations/?as_of=2014-12",                 200,   200,   200,   200,   200,   200),
    row(GET,  "/recommendations/?as_of=1999-01",                 404,   404,   404,   404,   404,   404),
    row(GET,  "/forces/",                                        200,   200,   200,   200,   200,   200),
    row(POST, "/forces/",                                        405,   405,   405,   405,   405,   405),
    row(GET,  "/forces/no-such-force/",                          404,   404,   404,   404,   404,   404),
    row(POST, "/forces/no-such-force/",                          405,   405,   405,   405,   405,   405),
    # ---- Open data and e-mail alerts (issue 11): public; files are read-only ----
    row(GET,  "/data/",                                          200,   200,   200,   200,   200,   200),
    row(POST, "/data/",                                          405,   405,   405,   405,   405,   405),
    row(GET,  "/search/",                                        200,   200,   200,   200,   200,   200),
    row(GET,  "/search/?q=risk+assessment",                      200,   200,   200,   200,   200,   200),
    row(GET,  "/search/?q=%3F%21",                               200,   200,   200,   200,   200,   200),
    row(POST, "/search/?q=risk",                                 405,   405,   405,   405,   405,   405),
    row(GET,  "/data/recommendations.csv",                       200,   200,   200,   200,   200,   200),
    row(GET,  "/data/no-such-dataset.json",                      404,   404,   404,   404,   404,   404),
    row(POST, "/data/recommendations.csv",                       405,   405,   405,   405,   405,   405),
    row(GET,  "/updates/2014-12.json",                           200,   200,   200,   200,   200,   200),
    # A draft has no JSON for anyone: it is made only of publications.
    row(GET,  "/updates/2015-06.json",                           404,   404,   404,   404,   404,   404),
    row(POST, "/updates/2014-12.json",                           405,   405,   405,   405,   405,   405),
    row(GET,  "/email-alerts/",                                  200,   200,   200,   200,   200,   200),
    row(POST, "/email-alerts/", *[to("/email-alerts/check-your-email/")] * 6, data=ALERT_EMAIL),
    row(GET,  "/email-alerts/check-your-email/",                 200,   200,   200,   200,   200,   200),
    row(POST, "/email-alerts/check-your-email/",                 405,   405,   405,   405,   405,   405),
    # A made-up confirmation link: the "link does not work" page, and nothing changes.
    row(GET,  "/email-alerts/confirm/not-a-token/",              200,   200,   200,   200,   200,   200),
    row(POST, "/email-alerts/confirm/not-a-token/",              405,   405,   405,   405,   405,   405),
    # The link in an alert: anyone holding it may unsubscribe that address (one click).
    row(GET,  "/email-alerts/unsubscribe/{alert_subscription}/{alert_token}/", 200, 200, 200, 200, 200, 200),
    row(POST, "/email-alerts/unsubscribe/{alert_subscription}/{alert_token}/", *[to("/email-alerts/unsubscribed/")] * 6),
    row(POST, "/email-alerts/unsubscribe/{alert_subscription}/not-a-token/", 200, 200, 200, 200, 200, 200),
    row(GET,  "/email-alerts/unsubscribed/",                     200,   200,   200,   200,   200,   200),
    row(POST, "/email-alerts/unsubscribed/",                     405,   405,   405,   405,   405,   405),
    row(GET,  "/privacy/",                                       200,   200,   200,   200,   200,   200),
    row(POST, "/privacy/",                                       405,   405,   405,   405,   405,   405),
    row(GET,  "/accessibility/",                                 200,   200,   200,   200,   200,   200),
    row(POST, "/accessibility/",                                 405,   405,   405,   405,   405,   405),
    row(GET,  "/favicon.ico",  *[moved("/static/govuk/assets/images/favicon.ico")] * 6),
    row(POST, "/favicon.ico",                                    405,   405,   405,   405,   405,   405),
    row(GET,  "/healthz",                                        200,   200,   200,   200,   200,   200),
    row(POST, "/healthz",                                        405,   405,   405,   405,   405,   405),

    # ---- Documents: group members and the secretariat; anyone else is asked to sign in ----
    row(GET,  "/forces/plans/{plan}/document/",                  SIGN_IN, 200,   200,   SIGN_IN, 200,   200),
    row(POST, "/forces/plans/{plan}/document/",                  405,   405,   405,   405,   405,   405),
    row(GET,  "/group/papers/{paper}/document/",                 SIGN_IN, 200,   200,   SIGN_IN, 200,   200),
    row(POST, "/group/papers/{paper}/document/",                 405,   405,   405,   405,   405,   405),

    # ---- Plan reviews: each group member writes their own (the secretariat counts as a member:
    # `can_review_plans`). Saving a draft goes back to the page; the member has already
    # submitted theirs of this plan, so for them the form comes back with that error ----
    row(GET,  "/forces/plans/",                                  SIGN_IN, 200,   200,   SIGN_IN, 200,   200),
    row(POST, "/forces/plans/",                                  SIGN_IN, 405,   405,   SIGN_IN, 405,   405),
    row(GET,  "/forces/plans/{reviewed_plan}/review/",           SIGN_IN, 200,   200,   SIGN_IN, 200,   200),
    row(POST, "/forces/plans/{reviewed_plan}/review/",           SIGN_IN, 200,   REVIEW, SIGN_IN, REVIEW, REVIEW, data=SAVE_REVIEW),

    # ---- Password reset: public, and says nothing about whether the address has an account ----
    row(GET,  "/accounts/password-reset/",                       200,   200,   200,   200,   200,   200),
    row(POST, "/accounts/password-reset/", *[to("/accounts/password-reset/sent/")] * 6, data=RESET_EMAIL),
    row(GET,  "/accounts/password-reset/sent/",                  200,   200,   200,   200,   200,   200),
    # A link with a made-up token: the "link is no longer valid" page, and nothing changes.
    row(GET,  "/accounts/reset/MQ/not-a-token/",                 200,   200,   200,   200,   200,   200),
    row(POST, "/accounts/reset/MQ/not-a-token/",                 200,   200,   200,   200,   200,   200),
    row(GET,  "/accounts/reset/done/",                           200,   200,   200,   200,   200,   200),

    # ---- The admin site: staff only; the rest are sent to sign in ----
    row(GET,  "/admin/",                                         LOGIN, LOGIN, LOGIN, LOGIN, 200,   200),
    # Signed-in members see the form with "not authorised"; staff go straight in.
    row(GET,  "/admin/login/",                                   200,   200,   200,   200,   ADMIN, ADMIN),
    # Signing out is POST only. The admin sends non-staff to its index without signing them out.
    row(GET,  "/admin/logout/",                                  ADMIN, ADMIN, ADMIN, ADMIN, 405,   405),
    row(POST, "/admin/logout/",                                  ADMIN, ADMIN, ADMIN, ADMIN, 200,   200),
    row(GET,  "/accounts/sign-in/",                              200,   PLANS, PLANS, 200,   PLANS, PLANS),
    # An empty sign-in is the form again, with its errors.
    row(POST, "/accounts/sign-in/",                              200,   PLANS, PLANS, 200,   PLANS, PLANS),
    # Signing out for everyone (members have no admin): POST only, then the home page.
    row(GET,  "/accounts/sign-out/",                             405,   405,   405,   405,   405,   405),
    row(POST, "/accounts/sign-out/",                             to("/"), to("/"), to("/"), to("/"), to("/"), to("/")),
    row(GET,  "/admin/password_change/",                         LOGIN, LOGIN, LOGIN, LOGIN, 200,   200),
    row(POST, "/admin/password_change/",                         LOGIN, LOGIN, LOGIN, LOGIN, 200,   200),
    row(GET,  "/admin/password_change/done/",                    LOGIN, LOGIN, LOGIN, LOGIN, 200,   200),
    # Every autocomplete field is checked in tests/oversight/test_admin.py.
    row(GET,  "/admin/autocomplete/?app_label=reports&model_name=progressupdate&field_name=recommendation&term=abuse",
                                                                 LOGIN, LOGIN, LOGIN, LOGIN, 200,   200),
    row(GET,  "/admin/jsi18n/",                                  LOGIN, LOGIN, LOGIN, LOGIN, 200,   200),
    row(GET,  "/admin/r/{edition_type}/{published}/",            LOGIN, LOGIN, LOGIN, LOGIN, to("http://testserver/updates/2014-12/"), to("http://testserver/updates/2014-12/")),
    # A user has no public page.
    row(GET,  "/admin/r/{user_type}/{user}/",                    LOGIN, LOGIN, LOGIN, LOGIN, 404,   404),
    row(GET,  "/admin/oversight/",                               LOGIN, LOGIN, LOGIN, LOGIN, 200,   200),
    # The secretariat manages members' logins (auth users) but has no permission in axes.
    row(GET,  "/admin/auth/",                                    LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET,  "/admin/axes/",                                    LOGIN, LOGIN, LOGIN, LOGIN, 404,   200),
    # The catch-all: outsiders learn nothing about which admin URLs exist.
    row(GET,  "/admin/no-such-page/",                            LOGIN, LOGIN, LOGIN, LOGIN, 404,   404),
    row(GET,  "/admin/oversight/organisation",                   LOGIN, LOGIN, LOGIN, LOGIN, moved("/admin/oversight/organisation/"), moved("/admin/oversight/organisation/")),

    #                                                                           anonymous member other  deactiv. secretariat superuser
    # ---- Our records: the secretariat may do everything. An empty POST to a form shows it
    # again with errors (200) to those allowed; CONFIRM_DELETE deletes and goes to the list ----
    row(GET,  "/admin/oversight/organisation/",                                 LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/organisation/add/",                             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/organisation/add/",                             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/organisation/{organisation}/history/",          LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/organisation/{organisation}/delete/",           LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/organisation/{organisation}/delete/",           LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/oversight/organisation/{organisation}/change/",           LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/organisation/{organisation}/change/",           LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/organisation/{organisation}/",                  LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    row(GET,  "/admin/oversight/member/",                                       LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/member/add/",                                   LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/member/add/",                                   LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/member/{member}/history/",                      LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/member/{member}/delete/",                       LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/member/{member}/delete/",                       LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/oversight/member/{member}/change/",                       LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/member/{member}/change/",                       LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/member/{member}/",                              LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    row(GET,  "/admin/oversight/meeting/",                                      LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/meeting/add/",                                  LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/meeting/add/",                                  LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/meeting/{meeting}/history/",                    LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/meeting/{meeting}/delete/",                     LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/meeting/{meeting}/delete/",                     LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/oversight/meeting/{meeting}/change/",                     LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/meeting/{meeting}/change/",                     LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/meeting/{meeting}/",                            LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    row(GET,  "/admin/oversight/meetingpaper/",                                 LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/meetingpaper/add/",                             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/meetingpaper/add/",                             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/meetingpaper/{paper}/history/",                 LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/meetingpaper/{paper}/delete/",                  LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/meetingpaper/{paper}/delete/",                  LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/oversight/meetingpaper/{paper}/change/",                  LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/meetingpaper/{paper}/change/",                  LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/meetingpaper/{paper}/",                         LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    row(GET,  "/admin/recommendations/recommendation/",                         LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/recommendations/recommendation/add/",                     LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/recommendations/recommendation/add/",                     LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/recommendations/recommendation/{recommendation}/history/", LOGIN, LOGIN, LOGIN, LOGIN, 200,   200),
    row(GET,  "/admin/recommendations/recommendation/{recommendation}/delete/", LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/recommendations/recommendation/{recommendation}/delete/", LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/recommendations/recommendation/{recommendation}/change/", LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/recommendations/recommendation/{recommendation}/change/", LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/recommendations/recommendation/{recommendation}/",        LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    row(GET,  "/admin/recommendations/area/",                                   LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/recommendations/area/add/",                               LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/recommendations/area/add/",                               LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/recommendations/area/{area}/history/",                    LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/recommendations/area/{area}/delete/",                     LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/recommendations/area/{area}/delete/",                     LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/recommendations/area/{area}/change/",                     LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/recommendations/area/{area}/change/",                     LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/recommendations/area/{area}/",                            LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    row(GET,  "/admin/forces/force/",                                           LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/force/add/",                                       LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/force/add/",                                       LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/force/{force}/history/",                           LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/force/{force}/delete/",                            LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/force/{force}/delete/",                            LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/forces/force/{force}/change/",                            LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/force/{force}/change/",                            LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/force/{force}/",                                   LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    # Group members may view plans (forces.view_actionplan) but are not staff: no admin for them.
    row(GET,  "/admin/forces/actionplan/",                                      LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/actionplan/add/",                                  LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/actionplan/add/",                                  LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/actionplan/{plan}/history/",                       LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/actionplan/{plan}/delete/",                        LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/actionplan/{plan}/delete/",                        LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/forces/actionplan/{plan}/change/",                        LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/actionplan/{plan}/change/",                        LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/actionplan/{plan}/",                               LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    row(GET,  "/admin/forces/planaction/",                                      LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/planaction/add/",                                  LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/planaction/add/",                                  LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/planaction/{action}/history/",                     LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/planaction/{action}/delete/",                      LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/planaction/{action}/delete/",                      LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/forces/planaction/{action}/change/",                      LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/planaction/{action}/change/",                      LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/planaction/{action}/",                             LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    # Editions: a draft is edited, deleted and published here; a published one is frozen.
    row(GET,  "/admin/reports/quarterlyupdate/",                                LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/reports/quarterlyupdate/add/",                            LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/quarterlyupdate/add/",                            LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/reports/quarterlyupdate/{draft}/history/",                LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/reports/quarterlyupdate/{draft}/delete/",                 LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/quarterlyupdate/{draft}/delete/",                 LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/reports/quarterlyupdate/{published}/delete/",             LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/reports/quarterlyupdate/{published}/delete/",             LOGIN, LOGIN, LOGIN, LOGIN, 403,    403, data=CONFIRM_DELETE),
    row(GET,  "/admin/reports/quarterlyupdate/{draft}/change/",                 LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/quarterlyupdate/{draft}/change/",                 LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    # Shown read-only, never saved.
    row(GET,  "/admin/reports/quarterlyupdate/{published}/change/",             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/quarterlyupdate/{published}/change/",             LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/reports/quarterlyupdate/{draft}/",                        LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    row(GET,  "/admin/reports/quarterlyupdate/{draft}/publish/",                LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    # Not approved (four eyes): the page again, saying so; nothing is published.
    row(POST, "/admin/reports/quarterlyupdate/{draft}/publish/",                LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    # Already published: back to the change page, with "start a correction".
    row(GET,  "/admin/reports/quarterlyupdate/{published}/publish/",            LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    row(GET,  "/admin/reports/quarterlyupdate/{published}/correction/",         LOGIN, LOGIN, LOGIN, LOGIN, 405,    405),
    row(POST, "/admin/reports/quarterlyupdate/{published}/correction/",         LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    # Issue 10: a section's own page (an empty POST is the page again, with its problem), and
    # sharing a draft with the group for comment; a published edition is frozen.
    row(GET,  "/admin/reports/quarterlyupdate/{draft}/sections/1/",             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/quarterlyupdate/{draft}/sections/1/",             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/reports/quarterlyupdate/{published}/sections/1/",         LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    row(POST, "/admin/reports/quarterlyupdate/{published}/sections/1/",         LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    row(GET,  "/admin/reports/quarterlyupdate/{draft}/share/",                  LOGIN, LOGIN, LOGIN, LOGIN, 405,    405),
    row(POST, "/admin/reports/quarterlyupdate/{draft}/share/",                  LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    row(POST, "/admin/reports/quarterlyupdate/{published}/share/",              LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/reports/quarterlyupdate/{shared}/unshare/",               LOGIN, LOGIN, LOGIN, LOGIN, 405,    405),
    row(POST, "/admin/reports/quarterlyupdate/{shared}/unshare/",               LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    # Bullets: those of a draft are edited here; those of a published edition are frozen.
    row(GET,  "/admin/reports/progressupdate/",                                 LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/reports/progressupdate/add/",                             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/progressupdate/add/",                             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/reports/progressupdate/{draft_bullet}/history/",          LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/reports/progressupdate/{draft_bullet}/delete/",           LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/progressupdate/{draft_bullet}/delete/",           LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/reports/progressupdate/{published_bullet}/delete/",       LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/reports/progressupdate/{draft_bullet}/change/",           LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/progressupdate/{draft_bullet}/change/",           LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/progressupdate/{published_bullet}/change/",       LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/reports/progressupdate/{draft_bullet}/",                  LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    # Members' plan reviews: written on the members' pages, never added here; the admin
    # shows submitted reviews only, read-only: a draft is its author's alone (sent to the index).
    row(GET,  "/admin/forces/planreview/",                                      LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/planreview/add/",                                  LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/forces/planreview/add/",                                  LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/forces/planreview/{draft_review}/history/",               LOGIN, LOGIN, LOGIN, LOGIN, ADMIN,  ADMIN),
    row(GET,  "/admin/forces/planreview/{draft_review}/delete/",                LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/forces/planreview/{draft_review}/delete/",                LOGIN, LOGIN, LOGIN, LOGIN, 403,    403, data=CONFIRM_DELETE),
    row(GET,  "/admin/forces/planreview/{submitted_review}/delete/",            LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/forces/planreview/{draft_review}/change/",                LOGIN, LOGIN, LOGIN, LOGIN, ADMIN,  ADMIN),
    row(POST, "/admin/forces/planreview/{draft_review}/change/",                LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/forces/planreview/{submitted_review}/change/",            LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/planreview/{submitted_review}/change/",            LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/forces/planreview/{draft_review}/",                       LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    # Issue 9, the review: the plan's own address, and reopening a submitted review. A draft
    # is not in the secretariat's list, so it cannot be reopened (404).
    row(GET,  "/forces/plans/{reviewed_plan}/",                                 SIGN_IN, REVIEW, REVIEW, SIGN_IN, REVIEW, REVIEW),
    row(POST, "/forces/plans/{reviewed_plan}/",                                 405,   405,   405,   405,   405,   405),
    row(GET,  "/admin/forces/planreview/{submitted_review}/reopen/",            LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/planreview/{submitted_review}/reopen/",            LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=REOPEN_REVIEW),
    row(GET,  "/admin/forces/planreview/{draft_review}/reopen/",                LOGIN, LOGIN, LOGIN, LOGIN, 404,    404),
    row(POST, "/admin/forces/planreview/{draft_review}/reopen/",                LOGIN, LOGIN, LOGIN, LOGIN, 404,    404, data=REOPEN_REVIEW),
    # Area ratings and reopenings: read-only records of submitted reviews.
    row(GET,  "/admin/forces/arearating/",                                                  LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET,  "/admin/forces/arearating/add/",                                              LOGIN, LOGIN, LOGIN, LOGIN, 403, 403),
    row(POST, "/admin/forces/arearating/add/",                                              LOGIN, LOGIN, LOGIN, LOGIN, 403, 403),
    row(GET,  "/admin/forces/arearating/{area_rating}/history/",                            LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET,  "/admin/forces/arearating/{area_rating}/delete/",                             LOGIN, LOGIN, LOGIN, LOGIN, 403, 403),
    row(POST, "/admin/forces/arearating/{area_rating}/delete/",                             LOGIN, LOGIN, LOGIN, LOGIN, 403, 403, data=CONFIRM_DELETE),
    row(GET,  "/admin/forces/arearating/{area_rating}/change/",                             LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(POST, "/admin/forces/arearating/{area_rating}/change/",                             LOGIN, LOGIN, LOGIN, LOGIN, 403, 403),
    row(GET,  "/admin/forces/arearating/{area_rating}/",                                    LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    row(GET,  "/admin/forces/reviewreopening/",                                             LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET,  "/admin/forces/reviewreopening/add/",                                         LOGIN, LOGIN, LOGIN, LOGIN, 403, 403),
    row(POST, "/admin/forces/reviewreopening/add/",                                         LOGIN, LOGIN, LOGIN, LOGIN, 403, 403),
    row(GET,  "/admin/forces/reviewreopening/{reopening}/history/",                         LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET,  "/admin/forces/reviewreopening/{reopening}/delete/",                          LOGIN, LOGIN, LOGIN, LOGIN, 403, 403),
    row(POST, "/admin/forces/reviewreopening/{reopening}/delete/",                          LOGIN, LOGIN, LOGIN, LOGIN, 403, 403, data=CONFIRM_DELETE),
    row(GET,  "/admin/forces/reviewreopening/{reopening}/change/",                          LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(POST, "/admin/forces/reviewreopening/{reopening}/change/",                          LOGIN, LOGIN, LOGIN, LOGIN, 403, 403),
    row(GET,  "/admin/forces/reviewreopening/{reopening}/",                                 LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    # ---- Read-only records (written by the publishing service or a data load): anyone on the
    # admin may read them, nobody may add, change or delete them, not even a superuser ----
    row(GET,  "/admin/reports/publication/",                                    LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/reports/publication/add/",                                LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/reports/publication/add/",                                LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/reports/publication/{publication}/history/",              LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/reports/publication/{publication}/delete/",               LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/reports/publication/{publication}/delete/",               LOGIN, LOGIN, LOGIN, LOGIN, 403,    403, data=CONFIRM_DELETE),
    row(GET,  "/admin/reports/publication/{publication}/change/",               LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/publication/{publication}/change/",               LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/reports/publication/{publication}/",                      LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    # Withdrawing a revision that exposed personal data: the secretariat asks, with a reason;
    # someone else (here: not the requester) confirms. The chair's office: tests/reports/test_withdrawal.py.
    row(GET,  "/admin/reports/publication/{publication}/withdraw/",             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/publication/{publication}/withdraw/",             LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE, data=WITHDRAW),
    row(GET,  "/admin/reports/publication/{withdrawing}/withdraw/confirm/",     LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/publication/{withdrawing}/withdraw/confirm/",     LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    row(GET,  "/admin/reports/publicationwithdrawal/",                          LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/reports/publicationwithdrawal/add/",                      LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/reports/publicationwithdrawal/add/",                      LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/reports/publicationwithdrawal/{withdrawal}/history/",     LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/reports/publicationwithdrawal/{withdrawal}/delete/",      LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/reports/publicationwithdrawal/{withdrawal}/delete/",      LOGIN, LOGIN, LOGIN, LOGIN, 403,    403, data=CONFIRM_DELETE),
    row(GET,  "/admin/reports/publicationwithdrawal/{withdrawal}/change/",      LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/publicationwithdrawal/{withdrawal}/change/",      LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/reports/publicationwithdrawal/{withdrawal}/",             LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    row(GET,  "/admin/reports/publicationpdf/",                                 LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/reports/publicationpdf/add/",                             LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/reports/publicationpdf/add/",                             LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/reports/publicationpdf/{pdf}/history/",                   LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/reports/publicationpdf/{pdf}/delete/",                    LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/reports/publicationpdf/{pdf}/delete/",                    LOGIN, LOGIN, LOGIN, LOGIN, 403,    403, data=CONFIRM_DELETE),
    row(GET,  "/admin/reports/publicationpdf/{pdf}/change/",                    LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/publicationpdf/{pdf}/change/",                    LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/reports/publicationpdf/{pdf}/",                           LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    row(GET,  "/admin/oversight/loadedrecord/",                                 LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/loadedrecord/add/",                             LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/oversight/loadedrecord/add/",                             LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/oversight/loadedrecord/{loaded}/history/",                LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/loadedrecord/{loaded}/delete/",                 LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/oversight/loadedrecord/{loaded}/delete/",                 LOGIN, LOGIN, LOGIN, LOGIN, 403,    403, data=CONFIRM_DELETE),
    row(GET,  "/admin/oversight/loadedrecord/{loaded}/change/",                 LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/loadedrecord/{loaded}/change/",                 LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/oversight/loadedrecord/{loaded}/",                        LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    # ---- Accounts and groups: the superuser's alone. The `<id>/` shortcut only redirects, so
    # the secretariat gets as far as the change page, which then refuses (403 above) ----
    row(GET,  "/admin/auth/user/",                                              LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET,  "/admin/auth/user/add/",                                          LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(POST, "/admin/auth/user/add/",                                          LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(GET,  "/admin/auth/user/{user}/history/",                               LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET,  "/admin/auth/user/{user}/delete/",                                LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(POST, "/admin/auth/user/{user}/delete/",                                LOGIN, LOGIN, LOGIN, LOGIN, 403,    LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/auth/user/{user}/change/",                                LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(POST, "/admin/auth/user/{user}/change/",                                LOGIN, LOGIN, LOGIN, LOGIN, LIST, 200),
    row(GET,  "/admin/auth/user/{user}/",                                       LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    row(GET,  "/admin/auth/user/{user}/password/",                              LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(POST, "/admin/auth/user/{user}/password/",                              LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),

    row(GET,  "/admin/auth/group/",                                             LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(GET,  "/admin/auth/group/add/",                                         LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(POST, "/admin/auth/group/add/",                                         LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(GET,  "/admin/auth/group/{group}/history/",                             LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(GET,  "/admin/auth/group/{group}/delete/",                              LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(POST, "/admin/auth/group/{group}/delete/",                              LOGIN, LOGIN, LOGIN, LOGIN, 403,    LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/auth/group/{group}/change/",                              LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(POST, "/admin/auth/group/{group}/change/",                              LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(GET,  "/admin/auth/group/{group}/",                                     LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    # ---- Sign-in throttling records (django-axes): the superuser's; written only by axes ----
    row(GET,  "/admin/axes/accessattempt/",                                     LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(GET,  "/admin/axes/accessattempt/add/",                                 LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/axes/accessattempt/add/",                                 LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/axes/accessattempt/{attempt}/history/",                   LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(GET,  "/admin/axes/accessattempt/{attempt}/delete/",                    LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(POST, "/admin/axes/accessattempt/{attempt}/delete/",                    LOGIN, LOGIN, LOGIN, LOGIN, 403,    LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/axes/accessattempt/{attempt}/change/",                    LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(POST, "/admin/axes/accessattempt/{attempt}/change/",                    LOGIN, LOGIN, LOGIN, LOGIN, 403,    LIST),
    row(GET,  "/admin/axes/accessattempt/{attempt}/",                           LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    row(GET,  "/admin/axes/accesslog/",                                         LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(GET,  "/admin/axes/accesslog/add/",                                     LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/axes/accesslog/add/",                                     LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/axes/accesslog/{access_log}/history/",                    LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(GET,  "/admin/axes/accesslog/{access_log}/delete/",                     LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(POST, "/admin/axes/accesslog/{access_log}/delete/",                     LOGIN, LOGIN, LOGIN, LOGIN, 403,    LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/axes/accesslog/{access_log}/change/",                     LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(POST, "/admin/axes/accesslog/{access_log}/change/",                     LOGIN, LOGIN, LOGIN, LOGIN, 403,    LIST),
    row(GET,  "/admin/axes/accesslog/{access_log}/",                            LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    row(GET,  "/admin/axes/accessfailurelog/",                                  LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(GET,  "/admin/axes/accessfailurelog/add/",                              LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/axes/accessfailurelog/add/",                              LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/axes/accessfailurelog/{failure_log}/history/",            LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(GET,  "/admin/axes/accessfailurelog/{failure_log}/delete/",             LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(POST, "/admin/axes/accessfailurelog/{failure_log}/delete/",             LOGIN, LOGIN, LOGIN, LOGIN, 403,    LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/axes/accessfailurelog/{failure_log}/change/",             LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(POST, "/admin/axes/accessfailurelog/{failure_log}/change/",             LOGIN, LOGIN, LOGIN, LOGIN, 403,    LIST),
    row(GET,  "/admin/axes/accessfailurelog/{failure_log}/",                    LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    # ---- Outgoing e-mail and background jobs: written by services and workers, read here ----
    row(GET,  "/admin/oversight/outgoingemail/",                                LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/outgoingemail/add/",                            LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/oversight/outgoingemail/add/",                            LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/oversight/outgoingemail/{outgoing}/history/",             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/outgoingemail/{outgoing}/delete/",              LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/oversight/outgoingemail/{outgoing}/delete/",              LOGIN, LOGIN, LOGIN, LOGIN, 403,    403, data=CONFIRM_DELETE),
    row(GET,  "/admin/oversight/outgoingemail/{outgoing}/change/",              LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/outgoingemail/{outgoing}/change/",              LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/oversight/outgoingemail/{outgoing}/",                     LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    row(GET,  "/admin/oversight/ratelimitbucket/",                              LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/ratelimitbucket/add/",                          LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/oversight/ratelimitbucket/add/",                          LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/oversight/ratelimitbucket/{bucket}/history/",             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/ratelimitbucket/{bucket}/delete/",              LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/oversight/ratelimitbucket/{bucket}/delete/",              LOGIN, LOGIN, LOGIN, LOGIN, 403,    403, data=CONFIRM_DELETE),
    row(GET,  "/admin/oversight/ratelimitbucket/{bucket}/change/",              LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/ratelimitbucket/{bucket}/change/",              LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/oversight/ratelimitbucket/{bucket}/",                     LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    row(GET,  "/admin/oversight/taskworker/",                                   LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/taskworker/add/",                               LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/oversight/taskworker/add/",                               LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/oversight/taskworker/{worker}/history/",                  LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/taskworker/{worker}/delete/",                   LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/oversight/taskworker/{worker}/delete/",                   LOGIN, LOGIN, LOGIN, LOGIN, 403,    403, data=CONFIRM_DELETE),
    row(GET,  "/admin/oversight/taskworker/{worker}/change/",                   LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/taskworker/{worker}/change/",                   LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/oversight/taskworker/{worker}/",                          LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    # django-tasks-db's own read-only admin; its jobs' arguments may hold addresses: superuser only.
    row(GET,  "/admin/django_tasks_database/dbtaskresult/",                     LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(GET,  "/admin/django_tasks_database/dbtaskresult/add/",                 LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/django_tasks_database/dbtaskresult/add/",                 LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/django_tasks_database/dbtaskresult/{job}/history/",       LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(GET,  "/admin/django_tasks_database/dbtaskresult/{job}/delete/",        LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/django_tasks_database/dbtaskresult/{job}/delete/",        LOGIN, LOGIN, LOGIN, LOGIN, 403,    403, data=CONFIRM_DELETE),
    row(GET,  "/admin/django_tasks_database/dbtaskresult/{job}/change/",        LOGIN, LOGIN, LOGIN, LOGIN, 403,    200),
    row(POST, "/admin/django_tasks_database/dbtaskresult/{job}/change/",        LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/django_tasks_database/dbtaskresult/{job}/",               LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    # ---- Issue 10 (records): history versions and revert, meeting actions, plan import ----
    # A version on a record's history page, and restoring it (a POST without the form's
    # values is the form again with its errors).
    row(GET,  "/admin/recommendations/recommendation/{recommendation}/history/{recommendation_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(POST, "/admin/recommendations/recommendation/{recommendation}/history/{recommendation_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET,  "/admin/reports/quarterlyupdate/{draft}/history/{draft_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(POST, "/admin/reports/quarterlyupdate/{draft}/history/{draft_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET,  "/admin/reports/progressupdate/{draft_bullet}/history/{draft_bullet_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(POST, "/admin/reports/progressupdate/{draft_bullet}/history/{draft_bullet_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    # A published edition's bullet is frozen: its versions can be read, not restored.
    row(POST, "/admin/reports/progressupdate/{published_bullet}/history/{published_bullet_version}/", LOGIN, LOGIN, LOGIN, LOGIN, to("/admin/reports/progressupdate/{published_bullet}/history/{published_bullet_version}/"), to("/admin/reports/progressupdate/{published_bullet}/history/{published_bullet_version}/")),
    row(GET,  "/admin/oversight/meeting/{meeting}/history/{meeting_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(POST, "/admin/oversight/meeting/{meeting}/history/{meeting_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET,  "/admin/oversight/member/{member}/history/{member_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(POST, "/admin/oversight/member/{member}/history/{member_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET,  "/admin/oversight/organisation/{organisation}/history/{organisation_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(POST, "/admin/oversight/organisation/{organisation}/history/{organisation_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET,  "/admin/forces/force/{force}/history/{force_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(POST, "/admin/forces/force/{force}/history/{force_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET,  "/admin/forces/actionplan/{plan}/history/{plan_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(POST, "/admin/forces/actionplan/{plan}/history/{plan_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET,  "/admin/oversight/meetingaction/{meeting_action}/history/{meeting_action_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(POST, "/admin/oversight/meetingaction/{meeting_action}/history/{meeting_action_version}/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),

    row(GET,  "/admin/oversight/meetingaction/",                                LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/meetingaction/?action_status=overdue",          LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/meetingaction/add/",                            LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/meetingaction/add/",                            LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/meetingaction/{meeting_action}/history/",       LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/meetingaction/{meeting_action}/delete/",        LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/meetingaction/{meeting_action}/delete/",        LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/oversight/meetingaction/{meeting_action}/change/",        LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/oversight/meetingaction/{meeting_action}/change/",        LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/oversight/meetingaction/{meeting_action}/",               LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),

    # Importing plan versions: the upload page (a POST without a file is the form's errors),
    # the confirm step (nothing to confirm without a dry run), and the export.
    row(GET,  "/admin/forces/actionplan/import/",                               LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/actionplan/import/",                               LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/actionplan/process_import/",                       LOGIN, LOGIN, LOGIN, LOGIN, 405,    405),
    row(POST, "/admin/forces/actionplan/process_import/",                       LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/actionplan/export/",                               LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/actionplan/export/",                               LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),

    # ---- Issue 9, assign: the members' dashboard, plans list, summary and downloads; the
    # secretariat's assignment, conflict and moderation admin. Members and the secretariat see
    # the dashboard, list and summary; the downloads of every review are the secretariat's ----
    row(GET,  "/members/",                                                      SIGN_IN, 200,  200,   SIGN_IN, 200,    200),
    row(POST, "/members/",                                                      SIGN_IN, 405,  405,   SIGN_IN, 405,    405),
    row(GET,  "/forces/plans/?nation=wales&status=reviewed&mine=on&sort=status", SIGN_IN, 200, 200,   SIGN_IN, 200,    200),
    row(GET,  "/forces/plans/summary/",                                         SIGN_IN, 200,  200,   SIGN_IN, 200,    200),
    row(POST, "/forces/plans/summary/",                                         SIGN_IN, 405,  405,   SIGN_IN, 405,    405),
    row(GET,  "/forces/plans/summary/reviews.csv",                              SIGN_IN, 403,  403,   SIGN_IN, 200,    200),
    row(POST, "/forces/plans/summary/reviews.csv",                              SIGN_IN, 405,  405,   SIGN_IN, 405,    405),
    row(GET,  "/forces/plans/summary/reviews.xlsx",                             SIGN_IN, 403,  403,   SIGN_IN, 200,    200),
    row(POST, "/forces/plans/summary/reviews.xlsx",                             SIGN_IN, 405,  405,   SIGN_IN, 405,    405),
    # The two bulk actions on action plans (the query strings only tell the rows apart): their
    # first page is a form (200) for the secretariat.
    row(POST, "/admin/forces/actionplan/?q=",                                  LOGIN, LOGIN, LOGIN, LOGIN, 200,    200, data=ASSIGN_ACTION),
    row(POST, "/admin/forces/actionplan/?o=1",                                 LOGIN, LOGIN, LOGIN, LOGIN, 200,    200, data=AUTO_ASSIGN_ACTION),
    row(GET,  "/admin/forces/reviewassignment/",                                LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/reviewassignment/add/",                            LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/reviewassignment/add/",                            LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/reviewassignment/{assignment}/history/",           LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/reviewassignment/{assignment}/delete/",            LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/reviewassignment/{assignment}/delete/",            LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/forces/reviewassignment/{assignment}/change/",            LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/reviewassignment/{assignment}/change/",            LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/reviewassignment/{assignment}/",                   LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    row(GET,  "/admin/forces/forceconflict/",                                   LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/forceconflict/add/",                               LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/forceconflict/add/",                               LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/forceconflict/{conflict}/history/",                LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/forceconflict/{conflict}/delete/",                 LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/forceconflict/{conflict}/delete/",                 LOGIN, LOGIN, LOGIN, LOGIN, LIST,   LIST, data=CONFIRM_DELETE),
    row(GET,  "/admin/forces/forceconflict/{conflict}/change/",                 LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/forceconflict/{conflict}/change/",                 LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/forceconflict/{conflict}/",                        LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    # Moderated outcomes are recorded on the moderation page only: no add or change form.
    row(GET,  "/admin/forces/planmoderation/",                                  LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/planmoderation/needed/",                           LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/planmoderation/needed/",                           LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/planmoderation/plan/{reviewed_plan}/",             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    # An empty POST: the form again with its errors.
    row(POST, "/admin/forces/planmoderation/plan/{reviewed_plan}/",             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/planmoderation/add/",                              LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/forces/planmoderation/add/",                              LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/forces/planmoderation/{moderation}/history/",             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/planmoderation/{moderation}/delete/",              LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    # Not deleted: its area ratings are read-only (the admin refuses to cascade to them); an
    # outcome is changed by recording it again on the moderation page.
    row(POST, "/admin/forces/planmoderation/{moderation}/delete/",              LOGIN, LOGIN, LOGIN, LOGIN, 403,    403, data=CONFIRM_DELETE),
    row(GET,  "/admin/forces/planmoderation/{moderation}/change/",              LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/planmoderation/{moderation}/change/",              LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/forces/planmoderation/{moderation}/",                     LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    # The agreed area ratings: read-only, recorded with their outcome on the moderation page.
    row(GET,  "/admin/forces/moderatedarearating/",                             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/moderatedarearating/add/",                         LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/forces/moderatedarearating/add/",                         LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/forces/moderatedarearating/{moderated_rating}/history/",  LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(GET,  "/admin/forces/moderatedarearating/{moderated_rating}/delete/",   LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/forces/moderatedarearating/{moderated_rating}/delete/",   LOGIN, LOGIN, LOGIN, LOGIN, 403,    403, data=CONFIRM_DELETE),
    row(GET,  "/admin/forces/moderatedarearating/{moderated_rating}/change/",   LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/forces/moderatedarearating/{moderated_rating}/change/",   LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(GET,  "/admin/forces/moderatedarearating/{moderated_rating}/",          LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    # ---- end of issue 9, assign ----

    # ---- Issue 9, access: invitations, two-factor, the login devices' admin ----
    # A made-up invitation token is the "ask the secretariat" page for anyone. No persona owes a
    # second factor, so verifying and recovery go on to the plans; recovery codes need an
    # authenticator set up first. Devices are superusers' business; invitations are read-only,
    # sent from the member's page (POST only, back to it).
    row(GET, "/accounts/invitation/not-a-token/", 200, 200, 200, 200, 200, 200),
    row(POST, "/accounts/invitation/not-a-token/", 200, 200, 200, 200, 200, 200),
    row(GET, "/accounts/two-factor/set-up/", to("/accounts/sign-in/"), 200, 200, to("/accounts/sign-in/"), 200, 200),
    row(POST, "/accounts/two-factor/set-up/", to("/accounts/sign-in/"), 200, 200, to("/accounts/sign-in/"), 200, 200),
    row(GET, "/accounts/two-factor/verify/", to("/accounts/sign-in/"), to("/forces/plans/"), to("/forces/plans/"), to("/accounts/sign-in/"), to("/forces/plans/"), to("/forces/plans/")),
    row(POST, "/accounts/two-factor/verify/", to("/accounts/sign-in/"), to("/forces/plans/"), to("/forces/plans/"), to("/accounts/sign-in/"), to("/forces/plans/"), to("/forces/plans/")),
    row(GET, "/accounts/two-factor/recovery/", to("/accounts/sign-in/"), to("/forces/plans/"), to("/forces/plans/"), to("/accounts/sign-in/"), to("/forces/plans/"), to("/forces/plans/")),
    row(POST, "/accounts/two-factor/recovery/", to("/accounts/sign-in/"), to("/forces/plans/"), to("/forces/plans/"), to("/accounts/sign-in/"), to("/forces/plans/"), to("/forces/plans/")),
    row(GET, "/accounts/two-factor/recovery-codes/", to("/accounts/sign-in/"), to("/accounts/two-factor/set-up/"), to("/accounts/two-factor/set-up/"), to("/accounts/sign-in/"), to("/accounts/two-factor/set-up/"), to("/accounts/two-factor/set-up/")),
    row(POST, "/accounts/two-factor/recovery-codes/", to("/accounts/sign-in/"), to("/accounts/two-factor/set-up/"), to("/accounts/two-factor/set-up/"), to("/accounts/sign-in/"), to("/accounts/two-factor/set-up/"), to("/accounts/two-factor/set-up/")),
    row(GET, "/admin/otp_static/staticdevice/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(GET, "/admin/otp_static/staticdevice/add/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(POST, "/admin/otp_static/staticdevice/add/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(GET, "/admin/otp_static/staticdevice/{static_device}/", LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    row(GET, "/admin/otp_static/staticdevice/{static_device}/change/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(GET, "/admin/otp_static/staticdevice/{static_device}/delete/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(GET, "/admin/otp_static/staticdevice/{static_device}/history/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(POST, "/admin/otp_static/staticdevice/{static_device}/change/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(POST, "/admin/otp_static/staticdevice/{static_device}/delete/", LOGIN, LOGIN, LOGIN, LOGIN, 403, LIST, data=CONFIRM_DELETE),
    row(GET, "/admin/otp_totp/totpdevice/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(GET, "/admin/otp_totp/totpdevice/add/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(POST, "/admin/otp_totp/totpdevice/add/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(GET, "/admin/otp_totp/totpdevice/{totp_device}/", LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    row(GET, "/admin/otp_totp/totpdevice/{totp_device}/change/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(GET, "/admin/otp_totp/totpdevice/{totp_device}/delete/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(GET, "/admin/otp_totp/totpdevice/{totp_device}/history/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(POST, "/admin/otp_totp/totpdevice/{totp_device}/change/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(POST, "/admin/otp_totp/totpdevice/{totp_device}/delete/", LOGIN, LOGIN, LOGIN, LOGIN, 403, LIST, data=CONFIRM_DELETE),
    row(GET, "/admin/oversight/invitation/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET, "/admin/oversight/invitation/add/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 403),
    row(POST, "/admin/oversight/invitation/add/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 403),
    row(GET, "/admin/oversight/invitation/{invitation}/", LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    row(GET, "/admin/oversight/invitation/{invitation}/change/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(GET, "/admin/oversight/invitation/{invitation}/delete/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 403),
    row(GET, "/admin/oversight/invitation/{invitation}/history/", LOGIN, LOGIN, LOGIN, LOGIN, 200, 200),
    row(POST, "/admin/oversight/invitation/{invitation}/change/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 403),
    row(POST, "/admin/oversight/invitation/{invitation}/delete/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 403, data=CONFIRM_DELETE),
    row(GET, "/admin/otp_totp/totpdevice/{totp_device}/config/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(GET, "/admin/otp_totp/totpdevice/{totp_device}/qrcode/", LOGIN, LOGIN, LOGIN, LOGIN, 403, 200),
    row(GET, "/admin/oversight/member/{member}/invite/", LOGIN, LOGIN, LOGIN, LOGIN, 405, 405),
    row(POST, "/admin/oversight/member/{member}/invite/", LOGIN, LOGIN, LOGIN, LOGIN, to("/admin/oversight/member/{member}/change/"), to("/admin/oversight/member/{member}/change/")),
    row(GET, "/admin/oversight/member/{member}/resend/", LOGIN, LOGIN, LOGIN, LOGIN, 405, 405),
    row(POST, "/admin/oversight/member/{member}/resend/", LOGIN, LOGIN, LOGIN, LOGIN, to("/admin/oversight/member/{member}/change/"), to("/admin/oversight/member/{member}/change/")),
    row(GET, "/admin/oversight/member/{member}/revoke/", LOGIN, LOGIN, LOGIN, LOGIN, 405, 405),
    row(POST, "/admin/oversight/member/{member}/revoke/", LOGIN, LOGIN, LOGIN, LOGIN, to("/admin/oversight/member/{member}/change/"), to("/admin/oversight/member/{member}/change/")),
    # ---- end of issue 9, access ----

    # ---- Issue 10, the quarter: start the next update, four-eyes sign-off. {ready} was marked
    # ready by the superuser (its preparer); {approved} was marked ready by the secretariat and
    # approved by the chair's office, who are checked in `test_the_chairs_office` below ----
    row(GET,  "/admin/reports/quarterlyupdate/{draft}/start-next/",             LOGIN, LOGIN, LOGIN, LOGIN, to("/admin/reports/quarterlyupdate/{shared}/change/"), to("/admin/reports/quarterlyupdate/{shared}/change/")),
    # The quarter after {draft} is {shared}, already started: its page, never a second draft.
    row(POST, "/admin/reports/quarterlyupdate/{draft}/start-next/",             LOGIN, LOGIN, LOGIN, LOGIN, to("/admin/reports/quarterlyupdate/{shared}/change/"), to("/admin/reports/quarterlyupdate/{shared}/change/")),
    # December 2014's next quarter exists: its page, never a second draft.
    row(GET,  "/admin/reports/quarterlyupdate/{published}/start-next/",         LOGIN, LOGIN, LOGIN, LOGIN, to("/admin/reports/quarterlyupdate/{march}/change/"), to("/admin/reports/quarterlyupdate/{march}/change/")),
    row(POST, "/admin/reports/quarterlyupdate/{published}/start-next/",         LOGIN, LOGIN, LOGIN, LOGIN, to("/admin/reports/quarterlyupdate/{march}/change/"), to("/admin/reports/quarterlyupdate/{march}/change/"), data={"carry_over_bullets": "yes"}),
    row(POST, "/admin/reports/quarterlyupdate/",                                LOGIN, LOGIN, LOGIN, LOGIN, to("/admin/reports/quarterlyupdate/{draft}/start-next/"), to("/admin/reports/quarterlyupdate/{draft}/start-next/"), data={"action": "start_next_update", "_selected_action": "{draft}"}),
    row(GET,  "/admin/reports/quarterlyupdate/{draft}/ready/",                  LOGIN, LOGIN, LOGIN, LOGIN, 405,    405),
    row(POST, "/admin/reports/quarterlyupdate/{draft}/ready/",                  LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    # Already approved: back to its page with an error; nothing changes.
    row(POST, "/admin/reports/quarterlyupdate/{approved}/ready/",               LOGIN, LOGIN, LOGIN, LOGIN, CHANGE, CHANGE),
    # The secretariat has no approve permission; the superuser has it, but prepared {ready}.
    row(GET,  "/admin/reports/quarterlyupdate/{ready}/sign-off/",               LOGIN, LOGIN, LOGIN, LOGIN, 403,    403),
    row(POST, "/admin/reports/quarterlyupdate/{ready}/sign-off/",               LOGIN, LOGIN, LOGIN, LOGIN, 403,    403, data={"decision": "approve"}),
    # Not waiting for sign-off: back to its page (the superuser); no permission (the secretariat).
    row(GET,  "/admin/reports/quarterlyupdate/{draft}/sign-off/",               LOGIN, LOGIN, LOGIN, LOGIN, 403,    CHANGE),
    row(POST, "/admin/reports/quarterlyupdate/{approved}/sign-off/",            LOGIN, LOGIN, LOGIN, LOGIN, 403,    CHANGE, data={"decision": "approve"}),
    # Approved by someone else: published; marked ready only: refused, the page says why.
    row(POST, "/admin/reports/quarterlyupdate/{approved}/publish/",             LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    row(POST, "/admin/reports/quarterlyupdate/{ready}/publish/",                LOGIN, LOGIN, LOGIN, LOGIN, 200,    200),
    # ---- end of issue 10, the quarter ----
]
# fmt: on


@dataclass(frozen=True)
class World:
    """The records the rows' URLs name, and a signed-in session for each role."""

    ids: dict[str, int | str]
    sessions: dict[str, str | None]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The 2014 load plus one record of every admin model; rolled back after the module."""
    media_root = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(MEDIA_ROOT=media_root),
    ):
        call_command("load_hmic_2014", stdout=io.StringIO())  # publishes the 2014-12 edition
        secretariat_group, members_group = role_groups_sync()
        assert (secretariat_group.name, members_group.name) == (SECRETARIAT, GROUP_MEMBER)

        published = QuarterlyUpdate.objects.get(slug="2014-12")
        publication = published.publications.get()
        # A second publication, so the changes page has something to compare.
        second_publication = PublicationFactory(
            edition=PublishedQuarterlyUpdateFactory(period=datetime.date(2015, 3, 1))
        )
        # Not a leading recommendation (reported with 11), so the draft needs no bullet for it,
        # and nothing refers to it, so it can be deleted.
        recommendation = RecommendationFactory(
            number=12, reported_with=Recommendation.objects.get(number=11)
        )
        # The next edition, in progress: a bullet for each leading recommendation.
        draft = ReadyToPublishQuarterlyUpdateFactory(period=datetime.date(2015, 6, 1))
        # The one after, shared with the group for comment.
        shared = SharedQuarterlyUpdateFactory(period=datetime.date(2015, 9, 1))
        plan = ActionPlanFactory(
            force=Force.objects.order_by("name").first(),
            version=2,
            document=SimpleUploadedFile("plan.pdf", MINIMAL_PDF),
        )
        paper = MeetingPaperFactory(
            meeting=Meeting.objects.order_by("date").first(),
            document=SimpleUploadedFile("paper.pdf", MINIMAL_PDF),
        )
        action = PlanActionFactory(plan=plan, area=Area.objects.order_by("pk").first())
        spare_user = UserFactory(username="spare-user")

        member = UserFactory(username="group-member")
        other_member = UserFactory(username="other-group-member")
        former_member = UserFactory(username="former-group-member")
        left_member = UserFactory(username="left-group-member")
        members_group.user_set.add(member, other_member, former_member, left_member)
        secretariat = StaffUserFactory(username="secretariat-staff")
        secretariat.groups.add(secretariat_group)
        superuser = StaffUserFactory(username="superuser", is_superuser=True)
        # Its withdrawal asked for by someone else, so the secretariat may confirm it.
        requester = StaffUserFactory(username="withdrawal-requester")
        requester.groups.add(secretariat_group)
        withdrawing = PublicationWithdrawal.objects.create(
            publication=second_publication,
            reason="It gave a phone number.",
            requested_by=requester,
            requested_at=timezone.now(),
        )

        # Reviews of two of the loaded plans (not of `plan`, which must stay deletable): the
        # member has submitted theirs of one; the other member has a draft of the next.
        loaded_plans = ActionPlan.objects.filter(version=1).order_by("force__name")
        submitted_review = SubmittedPlanReviewFactory(plan=loaded_plans[0], reviewer=member)
        draft_review = PlanReviewFactory(plan=loaded_plans[1], reviewer=other_member)
        outgoing, _ = email_queue(
            idempotency_key="matrix:1", to=["someone@example.org"], subject="Hello", body="Hi"
        )
        moderation = PlanModeration.objects.create(
            plan=loaded_plans[2],
            overall_judgement="good",
            leadership_rating="fully",
            note="Agreed.",
            decided_by=secretariat,
        )
        moderated_rating = moderation.area_ratings.create(
            area=Area.objects.order_by("pk").first(), rating="partly"
        )
        alert_subscription = AlertSubscription.objects.create(
            email="subscriber@example.org", requested_at=timezone.now(), confirmed_at=timezone.now()
        )
        # Issue 10, four eyes: one edition the superuser marked ready, one the secretariat
        # marked ready and the chair's office approved.
        chairs_office = StaffUserFactory(username="chairs-office")
        chairs_office.groups.add(Group.objects.get(name=CHAIRS_OFFICE))
        ready = edition_mark_ready(
            edition=ReadyToPublishQuarterlyUpdateFactory(period=datetime.date(2016, 3, 1)),
            marked_by=superuser,
        )
        approved = edition_approve(
            edition=edition_mark_ready(
                edition=ReadyToPublishQuarterlyUpdateFactory(period=datetime.date(2016, 6, 1)),
                marked_by=secretariat,
            ),
            approved_by=chairs_office,
        )
        ids = {
            # Issue 11: a confirmed e-mail alert subscription, and its unsubscribe link's secret.
            "alert_subscription": alert_subscription.pk,
            "alert_token": unsubscribe_token(alert_subscription),
            "ready": ready.pk,
            "approved": approved.pk,
            "march": QuarterlyUpdate.objects.get(slug="2015-03").pk,
            # Records of our own that nothing else refers to, so a delete goes through.
            "organisation": OrganisationFactory(name="Spare organisation").pk,
            "member": MemberFactory(organisation=Organisation.objects.first()).pk,
            # Issue 9, access: an invitation, and two-factor devices of a login no persona uses.
            "invitation": InvitationFactory(created_by=superuser).pk,
            "totp_device": TOTPDevice.objects.create(user=spare_user, name="Phone").pk,
            "static_device": StaticDevice.objects.create(user=spare_user, name="Recovery").pk,
            "meeting": MeetingFactory(date=datetime.date(2016, 1, 12)).pk,
            "paper": paper.pk,
            "recommendation": recommendation.pk,
            "area": AreaFactory(name="Spare area", slug="spare-area").pk,
            "force": ForceFactory(name="Spare Constabulary", slug="spare-constabulary").pk,
            "plan": plan.pk,
            "action": action.pk,
            "reviewed_plan": submitted_review.plan_id,
            "submitted_review": submitted_review.pk,
            "draft_review": draft_review.pk,
            "area_rating": submitted_review.area_ratings.first().pk,
            "reopening": ReviewReopeningFactory(
                review=submitted_review, reopened_by=secretariat
            ).pk,
            "draft": draft.pk,
            "draft_bullet": draft.bullets.first().pk,
            "shared": shared.pk,
            "published": published.pk,
            "published_bullet": published.bullets.first().pk,
            "publication": publication.pk,
            "withdrawing": withdrawing.publication_id,
            "withdrawal": withdrawing.pk,
            "pdf": PublicationPdfFactory(publication=publication, content=MINIMAL_PDF).pk,
            "loaded": LoadedRecord.objects.first().pk,
            "user": spare_user.pk,
            "group": Group.objects.create(name="Spare group").pk,
            "attempt": AccessAttempt.objects.create(failures_since_start=1, **_access()).pk,
            "access_log": AccessLog.objects.create(**_access()).pk,
            "failure_log": AccessFailureLog.objects.create(**_access()).pk,
            "edition_type": ContentType.objects.get_for_model(QuarterlyUpdate).pk,
            "user_type": ContentType.objects.get_for_model(spare_user).pk,
            "outgoing": outgoing.pk,
            "bucket": RateLimitBucket.objects.create(
                scope="matrix", key_hash="0" * 64, window_started_at=timezone.now(), count=1
            ).pk,
            "worker": TaskWorker.objects.create(worker_id="matrix", last_seen_at=timezone.now()).pk,
            "job": DBTaskResult.objects.get().pk,
            "meeting_action": MeetingActionFactory(meeting=MeetingFactory()).pk,
            # Issue 9, assign.
            "moderation": moderation.pk,
            "moderated_rating": moderated_rating.pk,
            "assignment": ReviewAssignment.objects.create(
                plan=plan, reviewer=member, due_on=datetime.date(2015, 1, 31)
            ).pk,
            "conflict": ForceConflict.objects.create(
                member=MemberFactory(organisation=Organisation.objects.first()),
                force=Force.objects.order_by("name").last(),
            ).pk,
        }
        # Issue 10: the latest history version of the records above that have a history.
        for name, model in (
            ("recommendation", Recommendation),
            ("draft", QuarterlyUpdate),
            ("draft_bullet", ProgressUpdate),
            ("published_bullet", ProgressUpdate),
            ("meeting", Meeting),
            ("member", Member),
            ("organisation", Organisation),
            ("force", Force),
            ("plan", ActionPlan),
            ("meeting_action", MeetingAction),
        ):
            ids[f"{name}_version"] = model.history.filter(id=ids[name]).latest().pk
        sessions = {
            "anonymous": None,
            "member": _session(member),
            "other member": _session(other_member),
            "deactivated": _session(former_member),
            "left group": _session(left_member),
            "secretariat": _session(secretariat),
            "superuser": _session(superuser),
            "chair's office": _session(chairs_office),
        }
        # Switched off after signing in: the session is still there, the access must not be.
        former_member.is_active = False
        former_member.save()
        MemberFactory(user=left_member, left_on=datetime.date.today() - datetime.timedelta(days=1))

        yield World(ids, sessions)
        transaction.set_rollback(True)


def _access() -> dict[str, Any]:
    return {
        "username": "someone",
        "ip_address": "192.0.2.1",
        "user_agent": "pytest",
        "http_accept": "text/html",
        "path_info": "/admin/login/",
    }


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _expected(world: World, url: str, expected: Outcome) -> Outcome:
    """The outcome with LIST, CHANGE and record ids spelled out for this row's URL."""
    if not isinstance(expected, Redirect):
        return expected
    if expected not in (LIST, CHANGE):
        return expected._replace(location=expected.location.format_map(world.ids))
    _, admin, app, model, object_id, *_ = url.split("/")
    if expected == LIST:
        return to(f"/{admin}/{app}/{model}/")
    return to(f"/{admin}/{app}/{model}/{object_id}/change/")


def _outcome(response: HttpResponse) -> Outcome:
    if response.status_code in (301, 302):
        location = response["Location"]
        for sign_in in (LOGIN, SIGN_IN):
            if response.status_code == 302 and location.startswith(f"{sign_in.location}?next="):
                return sign_in
        return Redirect(response.status_code, location)
    return response.status_code


def _request(world: World, role: str, row: Row, url: str) -> Outcome:
    """One request as `role`, in a savepoint rolled back after it, with a fresh cookie jar."""
    client = Client()
    if world.sessions[role]:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    with transaction.atomic():
        data = {
            name: value.format_map(world.ids) if isinstance(value, str) else value
            for name, value in (row.data or {}).items()
        }
        response = client.get(url) if row.method == GET else client.post(url, data)
        transaction.set_rollback(True)
        if response.streaming:
            # Read a download to its end: the test client then closes the file. (Closing the
            # response again would fire request_finished, which drops a PostgreSQL connection
            # that is inside a transaction.)
            b"".join(response.streaming_content)
    return _outcome(response)


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(row, marks=pytest.mark.xfail(strict=True, reason=row.bug)) if row.bug else row
        for row in ROWS
    ],
    ids=lambda row: row.id,
)
def test_access(world: World, row: Row) -> None:
    url = row.url.format_map(world.ids)
    mismatches = []
    for role, expected in zip(ROLES, row.expected, strict=True):
        expected = _expected(world, url, expected)
        got = _request(world, role, row, url)
        if got != expected:
            mismatches.append(f"  {role:<12} expected {expected!r}, got {got!r}")
    assert not mismatches, f"{row.method} {url}:\n" + "\n".join(mismatches)


# The chair's office (issue 10): staff who approve editions, and do nothing else with them.
CHAIRS_OFFICE_ROWS = [
    (GET, "/admin/reports/quarterlyupdate/{ready}/sign-off/", None, 200),
    (POST, "/admin/reports/quarterlyupdate/{ready}/sign-off/", {"decision": "approve"}, CHANGE),
    (POST, "/admin/reports/quarterlyupdate/{ready}/sign-off/", {"decision": "send_back"}, 200),
    (GET, "/admin/reports/quarterlyupdate/{approved}/change/", None, 200),
    (POST, "/admin/reports/quarterlyupdate/{approved}/change/", None, 403),
    (GET, "/admin/reports/quarterlyupdate/{approved}/publish/", None, 403),
    (POST, "/admin/reports/quarterlyupdate/{approved}/publish/", None, 403),
    (POST, "/admin/reports/quarterlyupdate/{draft}/ready/", None, 403),
    (GET, "/admin/reports/quarterlyupdate/{draft}/start-next/", None, 403),
    (POST, "/admin/reports/quarterlyupdate/{draft}/start-next/", {"carry_over_bullets": "no"}, 403),
    (POST, "/admin/reports/quarterlyupdate/{published}/correction/", None, 403),
    (GET, "/admin/reports/quarterlyupdate/", None, 200),
    (GET, "/admin/oversight/member/", None, 403),
    # They approve an edition as the public will see it, so they may preview any draft
    # (and never comment: comments are the members').
    (GET, "/updates/2015-06/preview/", None, 200),
    (POST, "/updates/2015-09/preview/comments/", {"section": "1", "text": "Looks right."}, 403),
]


@pytest.mark.parametrize(
    ("method", "url", "data", "expected"),
    CHAIRS_OFFICE_ROWS,
    ids=[f"{method} {url} {data or ''}" for method, url, data, _ in CHAIRS_OFFICE_ROWS],
)
def test_the_chairs_office(world: World, method, url, data, expected) -> None:
    url = url.format_map(world.ids)
    got = _request(world, "chair's office", Row(method, url, (), data), url)

    assert got == _expected(world, url, expected)


class _AnyId(dict):
    def __missing__(self, key: str) -> str:
        return "1"


def _url_patterns(
    resolver: URLResolver, prefix: str = "", namespaces: tuple[str, ...] = ()
) -> Iterator[tuple[str, str]]:
    """Every URL pattern as (route, name), spelled the way `resolve()` reports a match."""
    for pattern in resolver.url_patterns:
        # Django drops the ^ of a regex that follows another pattern (URLResolver._join_route).
        route = prefix + str(pattern.pattern).removeprefix("^" if prefix else "")
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _url_patterns(pattern, route, inner)
        else:
            assert isinstance(pattern, URLPattern)
            yield route, ":".join((*namespaces, pattern.name)) if pattern.name else ""


def _covered_pattern(row: Row) -> tuple[str, str]:
    match = resolve(row.url.format_map(_AnyId()).split("?")[0])
    return match.route, match.view_name if match.url_name else ""


def test_every_url_pattern_has_a_row() -> None:
    """Each row's URL is resolved to the pattern it reaches; every pattern must be reached."""
    patterns = set(_url_patterns(get_resolver()))
    covered = {_covered_pattern(row) for row in ROWS}

    missing = sorted(patterns - covered)
    assert not missing, "URL patterns with no row in the matrix:\n" + "\n".join(
        f"  {route!r} (name {name!r})" for route, name in missing
    )
    assert covered <= patterns
    assert len(patterns) > 100, "the admin's patterns should be in the list too"


def test_rows_are_not_repeated() -> None:
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids))
