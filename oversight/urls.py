from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from oversight import accounts, views
from oversight.accounts import PasswordResetRequestView
from reports.alert_views import privacy_notice
from reports.public_views import HomeView
from reports.published_responses import KEPT_SEARCHES, made_from_publications
from reports.search_views import search_page

admin.site.site_header = "National Oversight Group: secretariat"
admin.site.site_title = "National Oversight Group admin"
admin.site.index_title = "Records"

urlpatterns = [
    path("", made_from_publications(HomeView.as_view()), name="home"),
    path("admin/", admin.site.urls),
    path("updates/", include("reports.urls")),
    path("recommendations/", include("reports.recommendation_urls")),
    path("forces/", include("forces.urls")),
    path("forces/", include("reports.force_urls")),  # after forces.urls: /forces/plans/ is theirs
    path("data/", include("reports.data_urls")),
    path("search/", made_from_publications(search_page, kept=KEPT_SEARCHES), name="search"),
    path("email-alerts/", include("reports.alert_urls")),
    path("privacy/", privacy_notice, name="privacy"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("members/", include("forces.member_urls")),
    # Meeting papers, for group members and the secretariat: uploads have no public URL.
    path(
        "group/papers/<int:pk>/document/",
        views.meeting_paper_document,
        name="meeting-paper-document",
    ),
    # Browsers ask for /favicon.ico on pages that name none, such as the admin's.
    path("favicon.ico", views.favicon),
    # For load balancers and the container HEALTHCHECK: 200 when the database answers.
    path("healthz", views.healthz, name="healthz"),
    # Signing in for members and the secretariat alike; the admin's own form admits staff only.
    path(
        "accounts/sign-in/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="sign-in",
    ),
    # Signing out, for members too: the admin's own logout only signs out staff.
    path("accounts/sign-out/", auth_views.LogoutView.as_view(next_page="home"), name="sign-out"),
    # Password reset, linked from the admin's login page. Django's views look these names up,
    # and the admin shows its "Forgotten" link only when `admin_password_reset` exists.
    path(
        "accounts/password-reset/",
        PasswordResetRequestView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Getting in (issue 9): an invitation's one-time link, and two-factor sign-in.
    path(
        "accounts/invitation/<str:token>/",
        accounts.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    path(
        "accounts/two-factor/set-up/",
        accounts.TwoFactorSetUpView.as_view(),
        name="two-factor-set-up",
    ),
    path(
        "accounts/two-factor/verify/",
        accounts.TwoFactorVerifyView.as_view(),
        name="two-factor-verify",
    ),
    path(
        "accounts/two-factor/recovery/",
        accounts.TwoFactorRecoveryView.as_view(),
        name="two-factor-recovery",
    ),
    path(
        "accounts/two-factor/recovery-codes/",
        accounts.TwoFactorRecoveryCodesView.as_view(),
        name="two-factor-recovery-codes",
    ),
]
