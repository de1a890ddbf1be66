"""Who may do what: every access rule of the service, as named predicates.

Three roles, each a `Group` that migrations create and keep up to date (`role_groups_sync`):

- **Secretariat**: staff who run the quarter in the admin. They change every record of the
  service except the audit trail of data loads, publish editions, and read submitted reviews.
- **Group members**: police leads, PCCs and charities. They sign in to read the force action
  plans and their documents and meeting papers, write their own reviews of the plans, and
  preview and comment on draft editions the secretariat has shared with them.
- **Chair's office**: staff who approve an edition before it is published (four eyes): they
  read the editions in the admin and approve one, or send it back with a comment. They do not
  write editions or publish them, and nobody approves an edition they marked ready themselves.
  The secretariat does not hold approval: the person who signs off should not be one of the
  people who wrote the update (a superuser holds every permission, but the preparer rule
  still applies to them).

Views, the admin, templates and services call the predicates below and nothing else; the
permission matrix (`tests/test_permission_matrix.py`) proves them URL by URL. Predicates take
the objects they judge by their attributes, so this module imports no other app.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.apps import apps as installed_apps
from django.apps.registry import Apps
from django.conf import settings
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

User = AbstractBaseUser | AnonymousUser

SECRETARIAT = "Secretariat"
GROUP_MEMBER = "Group members"
CHAIRS_OFFICE = "Chair's office"

SECRETARIAT_APPS = ("oversight", "recommendations", "forces", "reports")
# What a data load created is an audit trail: the secretariat may read it, not change it.
SECRETARIAT_EXCLUDED = {
    "loadedrecord": ("add_loadedrecord", "change_loadedrecord", "delete_loadedrecord"),
    # The public's e-mail alert subscriptions: nobody in the group reads the addresses.
    **{
        model: tuple(f"{action}_{model}" for action in ("add", "change", "delete", "view"))
        for model in ("alertsubscription", "alertdelivery")
    },
    # Four eyes: approval is the chair's office's, never the preparers'.
    "quarterlyupdate": ("approve_quarterlyupdate",),
    # Withdrawals are written by reports/withdrawal.py only (request, then confirm).
    "publicationwithdrawal": (
        "add_publicationwithdrawal",
        "change_publicationwithdrawal",
        "delete_publicationwithdrawal",
    ),
    # Sign-off steps are written by the sign-off services only.
    "editionsignoffstep": (
        "add_editionsignoffstep",
        "change_editionsignoffstep",
        "delete_editionsignoffstep",
    ),
}
GROUP_MEMBER_PERMISSIONS = (
    ("forces", "view_force"),
    ("forces", "view_actionplan"),
    ("forces", "view_planaction"),
    # A member writes their own reviews; `can_change_review` says whose.
    ("forces", "add_planreview"),
    ("forces", "change_planreview"),
    ("forces", "view_planreview"),
)

# The chair's office reads the editions in the admin and approves them; it writes nothing else.
CHAIRS_OFFICE_PERMISSIONS = (
    ("reports", "approve_quarterlyupdate"),
    ("reports", "view_quarterlyupdate"),
    ("reports", "view_progressupdate"),
    ("reports", "view_publication"),
    ("reports", "view_editionsignoffstep"),
    ("recommendations", "view_recommendation"),
)

# Managing members' logins (invitations, deactivation) without being a superuser: the
# secretariat's UserAdmin (`oversight.admin.MemberLoginAdmin`) shows it only members' logins,
# and only their active flag. Adding and deleting logins stay with superusers.
SECRETARIAT_AUTH_PERMISSIONS = (
    ("auth", "view_user"),
    ("auth", "change_user"),
)
MEMBER_LOGINS_PERMISSION = "auth.change_user"

MEMBERS_AREA_PERMISSION = "forces.view_actionplan"
REVIEW_PERMISSION = "forces.add_planreview"
PUBLISH_PERMISSION = "reports.publish_quarterlyupdate"
APPROVE_PERMISSION = "reports.approve_quarterlyupdate"
START_EDITION_PERMISSION = "reports.add_quarterlyupdate"
PREPARE_EDITION_PERMISSION = "reports.change_quarterlyupdate"
REOPEN_REVIEW_PERMISSION = "forces.reopen_planreview"
WITHDRAW_PERMISSION = "reports.withdraw_publication"


def _permissions(permission_model: Any, pairs: tuple[tuple[str, str], ...]) -> Any:
    query = permission_model.objects.none()
    for app_label, codename in pairs:
        query = query | permission_model.objects.filter(
            content_type__app_label=app_label, codename=codename
        )
    return query


def role_groups_sync(apps: Apps = installed_apps) -> tuple[Any, Any]:
    """Create the role groups, or bring their permissions up to date.

    Called by migrations (with the historical `apps`) so that a fresh install has every role;
    each migration that adds a permission a role should hold calls it again. Returns the
    secretariat and members' groups; the chair's office is `Group` named `CHAIRS_OFFICE`.
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    secretariat, _ = group_model.objects.get_or_create(name=SECRETARIAT)
    secretariat_permissions = permission_model.objects.filter(
        content_type__app_label__in=SECRETARIAT_APPS
    )
    for model, codenames in SECRETARIAT_EXCLUDED.items():
        secretariat_permissions = secretariat_permissions.exclude(
            content_type__model=model, codename__in=codenames
        )
    secretariat_auth_permissions = permission_model.objects.filter(
        content_type__app_label="auth",
        codename__in={codename for _, codename in SECRETARIAT_AUTH_PERMISSIONS},
    )
    secretariat.permissions.set(secretariat_permissions | secretariat_auth_permissions)
    members, _ = group_model.objects.get_or_create(name=GROUP_MEMBER)
    members.permissions.set(
        permission_model.objects.filter(
            content_type__app_label__in={app for app, _ in GROUP_MEMBER_PERMISSIONS},
            codename__in={codename for _, codename in GROUP_MEMBER_PERMISSIONS},
        )
    )
    chairs_office, _ = group_model.objects.get_or_create(name=CHAIRS_OFFICE)
    chairs_office.permissions.set(_permissions(permission_model, CHAIRS_OFFICE_PERMISSIONS))
    return secretariat, members


def role_groups_migrate(apps: Apps, schema_editor: Any) -> None:
    """`role_groups_sync` as a migration step (`migrations.RunPython(role_groups_migrate)`).

    Django creates permissions only after the last migration of a run, so this creates those
    of the apps the roles draw on first, as the historical models stand at that migration.
    """
    from django.contrib.auth.management import create_permissions

    for label in ("auth", *SECRETARIAT_APPS):
        try:
            app_config = apps.get_app_config(label)
        except LookupError:  # no models of that app exist yet at this point of the history
            continue
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    role_groups_sync(apps)


def has_left_group(user: User) -> bool:
    """The login belongs to a member whose record says they have left the group.

    Such a login is refused like a deactivated one (`oversight.auth.MemberAwareBackend`).
    """
    member = getattr(user, "group_member", None) if user.is_authenticated else None
    return bool(member and member.left_on and member.left_on <= timezone.localdate())


def is_secretariat(user: User) -> bool:
    """Staff of the secretariat (or a superuser): the people who run the admin."""
    return bool(
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=SECRETARIAT).exists())
    )


def can_use_members_area(user: User) -> bool:
    """The members' pages: force plans, their documents, meeting papers. Members and secretariat."""
    return bool(user.is_active and user.has_perm(MEMBERS_AREA_PERMISSION))


def can_review_plans(user: User) -> bool:
    """Writing one's own reviews of force action plans."""
    return bool(user.is_active and user.has_perm(REVIEW_PERMISSION))


def can_read_review(user: User, review: Any) -> bool:
    """A draft is its author's alone; once submitted the secretariat reads it too."""
    if not user.is_active:
        return False
    if review.reviewer_id == user.pk:
        return True
    return review.is_submitted and is_secretariat(user)


def can_change_review(user: User, review: Any) -> bool:
    """Only its author, and only while it is a draft."""
    return bool(user.is_active and review.reviewer_id == user.pk and not review.is_submitted)


def can_reopen_review(user: User, review: Any = None) -> bool:
    """The secretariat reopens a submitted review, with a reason, so its author can change it.

    Without a review: reopening reviews at all.
    """
    if not (is_secretariat(user) and user.has_perm(REOPEN_REVIEW_PERMISSION)):
        return False
    return review is None or review.is_submitted


_NOT_LOOKED_UP = object()


def can_see_other_reviews(user: User, plan: Any, *, own_review: Any = _NOT_LOOKED_UP) -> bool:
    """Blind review: a member sees others' submitted reviews of a plan version only once they
    have submitted their own of it (a reopened review is a draft again, so blind again).
    The secretariat sees every submitted review. Nobody sees another's draft.

    A page that has read the user's own review of the plan already (or found none: `None`)
    passes it as `own_review`, which saves a query per plan version.
    """
    if not user.is_active:
        return False
    if is_secretariat(user):
        return True
    if not can_use_members_area(user):
        return False
    if own_review is _NOT_LOOKED_UP:
        return plan.reviews.filter(reviewer=user.pk, status="submitted").exists()
    return own_review is not None and own_review.status == "submitted"


def allow_public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Marks a view anyone may use, signed in or not (published content, open data, e-mail
    alerts): a decision written down where the rules are, which the permission matrix checks."""
    view.allow_public = True  # type: ignore[attr-defined]
    return view


EDIT_EDITION_PERMISSION = "reports.change_quarterlyupdate"


def can_edit_edition(user: User, edition: Any = None) -> bool:
    """Editing an edition's sections, statuses and bullets, and sharing a draft: the
    secretariat, while the edition is a draft or a correction. Without an edition: any."""
    if not (user.is_active and user.is_staff and user.has_perm(EDIT_EDITION_PERMISSION)):
        return False
    return edition is None or edition.is_editable


def can_preview_edition(user: User, edition: Any = None) -> bool:
    """Reading an edition's unpublished working copy: the secretariat and the chair's office
    (who approve it as the public will see it) always; a group member only once the
    secretariat has shared the draft with the group for comment.

    Without an edition: whether the user may preview any (asked before a draft is looked up,
    so that outsiders learn nothing about which exist).
    """
    if can_edit_edition(user) or can_approve(user):
        return True
    if not can_use_members_area(user):
        return False
    return edition is None or bool(edition.shared_at)


def can_share_edition(user: User, edition: Any = None) -> bool:
    """Sharing a draft with the group for comment, or no longer: who edits it."""
    return can_edit_edition(user, edition)


def can_comment_on_edition(user: User, edition: Any) -> bool:
    """Commenting on a section of a draft: group members (not staff), while it is shared.

    The comments are the group's advice to the secretariat, never published.
    """
    return bool(
        can_use_members_area(user)
        and not user.is_staff
        and edition.shared_at
        and edition.is_editable
    )


def can_read_section_comments(user: User) -> bool:
    """Members' comments on a draft's sections: the secretariat, as it edits them."""
    return can_edit_edition(user)


def can_publish(user: User, edition: Any = None) -> bool:
    """Publishing an edition, or its correction. Without an edition: publishing any edition.

    A published edition is frozen: it can be corrected, not published again.
    """
    if not (user.is_active and user.is_staff and user.has_perm(PUBLISH_PERMISSION)):
        return False
    return edition is None or edition.is_editable


def can_start_correction(user: User, edition: Any) -> bool:
    """Opening a published edition for a correction: the same people who publish."""
    return can_publish(user) and edition.is_published and not edition.is_editable


def can_request_withdrawal(user: User, publication: Any = None) -> bool:
    """Asking for a published revision to be withdrawn (it exposed personal data): the
    secretariat (`withdraw_publication`). With a publication: only one not yet withdrawn and
    with no withdrawal already asked for."""
    if not (user.is_active and user.is_staff and user.has_perm(WITHDRAW_PERMISSION)):
        return False
    if publication is None:
        return True
    return publication.withdrawn_at is None and not hasattr(publication, "withdrawal")


def can_confirm_withdrawal(user: User, withdrawal: Any = None) -> bool:
    """Confirming a withdrawal someone else asked for: the same permission, never the
    requester (four eyes), and only once."""
    if not (user.is_active and user.is_staff and user.has_perm(WITHDRAW_PERMISSION)):
        return False
    if withdrawal is None:
        return True
    return withdrawal.confirmed_at is None and withdrawal.requested_by_id != user.pk


def can_start_next_edition(user: User) -> bool:
    """Starting the draft of the next quarter's update from an edition: who may add editions."""
    return bool(user.is_active and user.is_staff and user.has_perm(START_EDITION_PERMISSION))


def can_mark_ready(user: User, edition: Any = None) -> bool:
    """Marking a draft (or a correction) ready for sign-off: who may change editions.

    Without an edition: marking any. With one: only while it is editable and a draft.
    """
    if not (user.is_active and user.is_staff and user.has_perm(PREPARE_EDITION_PERMISSION)):
        return False
    return edition is None or (edition.is_editable and edition.signoff_status == "draft")


def is_preparer(user: User, edition: Any) -> bool:
    """The person who marked the edition ready for sign-off."""
    return bool(user.is_authenticated and edition.ready_by_id == user.pk)


def can_approve(user: User, edition: Any = None) -> bool:
    """Approving an edition, or sending it back: the chair's office (`approve_quarterlyupdate`).

    Never the person who marked it ready, whatever permissions they hold (four eyes).
    Without an edition: approving any. With one: only while it is ready for sign-off.
    """
    if not (user.is_active and user.is_staff and user.has_perm(APPROVE_PERMISSION)):
        return False
    if edition is None:
        return True
    return (
        edition.is_editable and edition.signoff_status == "ready" and not is_preparer(user, edition)
    )


def _members_area_gate(request: HttpRequest) -> HttpResponse | None:
    """Anonymous visitors are sent to sign in, other outsiders get 403, the allowed get None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_use_members_area(request.user):
        raise PermissionDenied
    return None


def members_area_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorator for the members' pages (`can_use_members_area`).

    Checked before the record is looked up, so outsiders learn nothing about which exist.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return _members_area_gate(request) or view(request, *args, **kwargs)

    return wrapped


class MembersAreaRequiredMixin(AccessMixin):
    """`members_area_required` for class-based views."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return _members_area_gate(request) or super().dispatch(request, *args, **kwargs)


# Assignment, moderation and the summary's downloads (issue 9, assign).
ASSIGN_PERMISSION = "forces.add_reviewassignment"
MODERATE_PERMISSION = "forces.add_planmoderation"


def can_assign_reviewers(user: User) -> bool:
    """Asking group members to review plans, by hand or by auto-assign: the secretariat."""
    return bool(user.is_active and user.is_staff and user.has_perm(ASSIGN_PERMISSION))


def can_moderate(user: User) -> bool:
    """Recording the agreed outcome where two reviews of a plan disagree: the secretariat."""
    return bool(user.is_active and user.is_staff and user.has_perm(MODERATE_PERMISSION))


def can_see_review_summary(user: User) -> bool:
    """The summary of counted ratings (heatmap, bars): members and the secretariat, never the
    public. It shows ratings, not any review's text or its author."""
    return can_use_members_area(user)


def can_download_reviews(user: User) -> bool:
    """Every submitted review, text and author included, as CSV or XLSX: the secretariat only."""
    return is_secretariat(user)


# ---- Getting in: invitations, members' logins, two-factor (issue 9, access) ----


def can_manage_member_logins(user: User) -> bool:
    """Inviting members to sign in, resending or revoking an invitation, deactivating a login.

    The secretariat and superusers. Never grants staff status, a role or superuser status:
    those stay with superusers (`can_grant_staff_access`).
    """
    return bool(
        user.is_active
        and user.is_staff
        and user.has_perm(MEMBER_LOGINS_PERMISSION)
        and user.has_perm("oversight.change_member")
    )


def can_grant_staff_access(user: User) -> bool:
    """Changing anyone's staff or superuser status, roles, permissions or password: superusers only."""
    return bool(user.is_active and user.is_superuser)


def is_member_login(login: Any) -> bool:
    """A login the secretariat may manage: neither staff nor superuser."""
    return not (login.is_staff or login.is_superuser)


def needs_second_factor(user: User) -> bool:
    """Must sign in with an authenticator app code: staff, while `TWO_FACTOR_REQUIRED` is on."""
    return bool(user.is_authenticated and user.is_staff and settings.TWO_FACTOR_REQUIRED)
