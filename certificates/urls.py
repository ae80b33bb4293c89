from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/upload/", views.verify_upload, name="verify_upload"),
    path("verify/public-key.pem", views.public_key, name="public_key"),
    path("verify/<str:number>/", views.verify_number, name="verify_number"),
    path("certificates/<int:pk>/download/", views.download, name="download"),
    path("certificates/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("certificates/<int:pk>/verifications/", views.verifications, name="verifications"),
    path("certificates/issuance/", views.issuance, name="issuance"),
    path("certificates/register/", views.register, name="register"),
    path("certificates/issuance/<int:pk>/", views.notice_issue, name="notice_issue"),
    path(
        "certificates/applications/<int:pk>/progress/",
        views.application_progress,
        name="application_progress",
    ),
    path(
        "certificates/issuance/<int:pk>/progress/",
        views.notice_progress,
        name="notice_progress",
    ),
]
