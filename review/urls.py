"""The panel's pages. Its two pages about one application's experts (``assignments``,
``assignment_replace``) are routed by ``portal.urls`` in this namespace: only the portal knows
who may open an application (rule 10)."""

from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("panel/", views.panel_queue, name="panel_queue"),
    path("review/", views.expert_queue, name="expert_queue"),
    path("review/<int:pk>/", views.opinion, name="opinion"),
    path("review/<int:pk>/confirm/", views.opinion_confirm, name="opinion_confirm"),
    path("review/<int:pk>/conflict/", views.opinion_conflict, name="opinion_conflict"),
]
