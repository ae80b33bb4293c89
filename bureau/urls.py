"""The bureau's pages. Its two decisions on one application (``reject``,
``special_issuance_propose``) are routed by ``portal.urls`` in this namespace: only the portal
knows who may open an application (rule 10)."""

from django.urls import path

from bureau import views

app_name = "bureau"

urlpatterns = [
    path("notices/", views.notice_list, name="notices"),
    path("bureau/rounds/", views.rounds, name="rounds"),
    path("bureau/batch/", views.batch_keep, name="batch_keep"),
    path("notices/<int:entry_pk>/objection/", views.objection_create, name="objection_create"),
    path("notices/objection-received/", views.objection_received, name="objection_received"),
    path("bureau/", views.queue, name="queue"),
    path("bureau/publish/", views.notice_publish, name="notice_publish"),
    path(
        "bureau/special-issuances/<int:pk>/confirm/",
        views.special_issuance_confirm,
        name="special_issuance_confirm",
    ),
    path(
        "bureau/special-issuances/<int:pk>/cancel/",
        views.special_issuance_cancel,
        name="special_issuance_cancel",
    ),
    path("bureau/objections/<int:pk>/decide/", views.objection_decide, name="objection_decide"),
    path(
        "bureau/objections/<int:pk>/evidence/",
        views.objection_evidence,
        name="objection_evidence",
    ),
]
