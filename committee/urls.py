from django.urls import path

from committee import views, views_setup

app_name = "committee"

urlpatterns = [
    path("committee/", views.meeting_list, name="meetings"),
    path("committee/meetings/new/", views.meeting_create, name="meeting_create"),
    path("committee/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("committee/meetings/<int:pk>/open/", views.meeting_open, name="meeting_open"),
    path("committee/meetings/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("committee/meetings/<int:pk>/roll/", views.roll_call, name="roll_call"),
    path("committee/meetings/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("committee/meetings/<int:pk>/agenda/build/", views.agenda_builder, name="agenda_builder"),
    path("committee/meetings/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("committee/meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("committee/meetings/<int:pk>/minutes/sign/", views.minutes_sign, name="minutes_sign"),
    path("committee/items/<int:pk>/", views.item_detail, name="item"),
    path("committee/items/<int:pk>/ballot/status/", views.ballot_status, name="ballot_status"),
    path("committee/items/<int:pk>/ballot/open/", views.ballot_open, name="ballot_open"),
    path("committee/items/<int:pk>/ballot/close/", views.ballot_close, name="ballot_close"),
    path("committee/items/<int:pk>/vote/", views.ballot_cast, name="ballot_cast"),
    path("committee/items/<int:pk>/recuse/", views.recusal_declare, name="recusal_declare"),
    path("committee/setup/", views_setup.setup, name="setup"),
    path("committee/setup/<int:pk>/", views_setup.committee_edit, name="setup_edit"),
    path("committee/setup/agency-staff/", views_setup.agency_staff, name="agency_staff"),
]
