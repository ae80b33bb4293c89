from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("panel/", views.panel_queue, name="panel_queue"),
    path("applications/<int:pk>/panel/", views.assignments, name="assignments"),
    path(
        "applications/<int:pk>/panel/<int:assignment_pk>/replace/",
        views.assignment_replace,
        name="assignment_replace",
    ),
    path("review/", views.expert_queue, name="expert_queue"),
    path("review/<int:pk>/", views.opinion, name="opinion"),
    path("review/<int:pk>/confirm/", views.opinion_confirm, name="opinion_confirm"),
    path("review/<int:pk>/conflict/", views.opinion_conflict, name="opinion_conflict"),
]
