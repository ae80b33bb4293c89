from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from titles import views, views_notifications, views_signup

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path(
        "notifications/read-all/",
        views_notifications.notification_mark_all_read_view,
        name="notifications_mark_all_read",
    ),
    path(
        "notifications/<int:pk>/read/",
        views_notifications.notification_mark_read_view,
        name="notification_mark_read",
    ),
    path("accounts/signup/", views_signup.signup, name="signup"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("applications.urls")),
    path("admin/", admin.site.urls),
]
