"""The site's URLs: the foundation's pages, every stage's, and the pages the portal composes.

The pages about one application that anyone who may open it reaches are routed here, in their
stage's namespace: the portal finds the application (rule 10) and hands it to the stage's page.
"""

from django.urls import include, path

from applications import urls as application_urls
from applications import views as application_views
from applications import views_agency, views_materials
from bureau import urls as bureau_urls
from bureau import views as bureau_views
from portal import services, views, views_statistics
from portal.views import application_page
from review import urls as review_urls
from review import views as review_views

application_pages = [
    path("applications/<int:pk>/", views.application_detail, name="detail"),
    path(
        "applications/<int:pk>/files/<int:version_pk>/",
        application_page(views_materials.material_download),
        name="material_download",
    ),
    path(
        "applications/<int:pk>/form.pdf",
        application_page(views_materials.application_form),
        name="form_pdf",
    ),
    path(
        "applications/<int:pk>/return/",
        application_page(application_views.application_return, methods=["POST"]),
        name="return",
    ),
    # Withdrawal ends every stage's part (rule 11): the portal hands the page its service.
    path(
        "applications/<int:pk>/withdraw/",
        application_views.application_withdraw,
        {"withdraw": services.application_withdraw},
        name="withdraw",
    ),
    path(
        "applications/<int:pk>/supplement/",
        application_page(views_agency.supplement, methods=["GET", "POST"]),
        name="supplement",
    ),
]
review_pages = [
    path(
        "applications/<int:pk>/panel/",
        application_page(review_views.assignments, methods=["GET", "POST"]),
        name="assignments",
    ),
    path(
        "applications/<int:pk>/panel/<int:assignment_pk>/replace/",
        application_page(review_views.assignment_replace, methods=["POST"]),
        name="assignment_replace",
    ),
]
bureau_pages = [
    path(
        "bureau/applications/<int:pk>/reject/",
        application_page(bureau_views.application_reject, methods=["POST"]),
        name="reject",
    ),
    path(
        "bureau/applications/<int:pk>/issue-without-notice/",
        application_page(bureau_views.special_issuance_propose, methods=["POST"]),
        name="special_issuance_propose",
    ),
]

urlpatterns = [
    path("", include("titles.urls")),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("statistics/", views_statistics.statistics_page, name="statistics"),
    path("", include((application_urls.urlpatterns + application_pages, "applications"))),
    path("", include((review_urls.urlpatterns + review_pages, "review"))),
    path("", include("committee.urls")),
    path("", include((bureau_urls.urlpatterns + bureau_pages, "bureau"))),
    path("", include("certificates.urls")),
]
