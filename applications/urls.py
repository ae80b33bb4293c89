"""Stages 1 and 2's pages. The pages about one application that anyone who may open it
reaches (the application page, a material's download, the supplement request, the employer's
return) are routed by ``portal.urls`` in this namespace: only the portal knows rule 10."""

from django.urls import path

from applications import views, views_agency, views_employer, views_materials, views_recommenders

app_name = "applications"

urlpatterns = [
    path("applications/new/", views.application_new, name="new"),
    path("applications/<int:pk>/edit/<slug:step>/", views.application_step, name="step"),
    path(
        "applications/<int:pk>/materials/upload/",
        views_materials.material_upload,
        name="material_upload",
    ),
    path(
        "applications/<int:pk>/materials/<int:material_pk>/delete/",
        views_materials.material_delete,
        name="material_delete",
    ),
    path(
        "applications/<int:pk>/recommenders/<int:recommender_pk>/remind/",
        views_recommenders.recommender_remind,
        name="recommender_remind",
    ),
    path(
        "applications/<int:pk>/recommenders/<int:recommender_pk>/replace/",
        views_recommenders.recommender_replace,
        name="recommender_replace",
    ),
    path("recommend/<str:token>/", views_recommenders.recommend, name="recommend"),
]

urlpatterns += [
    path("employer/", views_employer.employer_queue, name="employer_queue"),
    path("applications/<int:pk>/decline/", views_employer.application_decline, name="decline"),
    path(
        "applications/<int:pk>/notice/open/",
        views_employer.internal_notice_open,
        name="internal_notice_open",
    ),
    path("applications/<int:pk>/notice/", views_employer.internal_notice, name="internal_notice"),
    path(
        "applications/<int:pk>/notice/objections/<int:objection_pk>/decide/",
        views_employer.internal_objection_decide,
        name="internal_objection_decide",
    ),
    path(
        "applications/<int:pk>/notice/objections/<int:objection_pk>/evidence/",
        views_employer.internal_objection_evidence,
        name="internal_objection_evidence",
    ),
    path(
        "applications/<int:pk>/recommend/",
        views_employer.application_recommend,
        name="recommend_formally",
    ),
    path("notices/internal/", views_employer.internal_notices_running, name="internal_notices"),
    path("agency/", views_agency.agency_queue, name="agency_queue"),
    path(
        "agency/applications/<int:pk>/officer/",
        views_agency.officer_assign,
        name="officer_assign",
    ),
    path(
        "applications/<int:pk>/eligibility/accept/",
        views_agency.eligibility_accept,
        name="eligibility_accept",
    ),
    path(
        "applications/<int:pk>/eligibility/reject/",
        views_agency.eligibility_reject,
        name="eligibility_reject",
    ),
    path(
        "applications/<int:pk>/supplement/request/",
        views_agency.supplement_request,
        name="supplement_request",
    ),
]
