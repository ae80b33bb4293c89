"""The foundation's own pages: home, sign-in and two-factor, notifications, health, the admin.

The site's root URL configuration is ``portal.urls``, which includes these and every stage's."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from titles import (
    views,
    views_auth,
    views_notifications,
    views_ops,
    views_organizations,
    views_recovery,
    views_signup,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("status/", views.status_page, name="status"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("metrics", views_ops.metrics, name="metrics"),
    path("accounts/login/", views_auth.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/verify/", views_auth.two_factor_verify, name="two_factor_verify"),
    path("accounts/2fa/setup/", views_auth.two_factor_setup, name="two_factor_setup"),
    path("accounts/2fa/recovery/", views_recovery.two_factor_recovery, name="two_factor_recovery"),
    path(
        "accounts/2fa/recovery-codes/",
        views_recovery.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path(
        "accounts/password_reset/",
        views_auth.PasswordResetRequestView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views_auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path(
        "notifications/read-all/",
        views_notifications.notification_mark_all_read_view,
        name="notifications_mark_all_read",
    ),
    path(
        "notifications/<int:pk>/open/",
        views_notifications.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/<int:pk>/read/",
        views_notifications.notification_mark_read_view,
        name="notification_mark_read",
    ),
    path("accounts/signup/", views_signup.signup, name="signup"),
    path(
        "organizations/register/",
        views_organizations.organization_register_view,
        name="organization_register",
    ),
    path(
        "organizations/registrations/",
        views_organizations.organization_registrations,
        name="organization_registrations",
    ),
    path("organizations/join/", views_organizations.organization_join, name="organization_join"),
    path(
        "organizations/invite-employer/",
        views_organizations.organization_invite_employer,
        name="organization_invite_employer",
    ),
    path(
        "organizations/invitations/<str:token>/",
        views_organizations.invitation_accept_view,
        name="invitation_accept",
    ),
    path(
        "organizations/join-requests/<int:pk>/decide/",
        views_organizations.join_request_decide_view,
        name="join_request_decide",
    ),
    path(
        "organizations/<int:pk>/",
        views_organizations.organization_detail,
        name="organization_detail",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
