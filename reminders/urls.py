from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("calendar/", views.calendar_feed_page, name="calendar_feed"),
    path("calendar/new/", views.calendar_feed_new, name="calendar_feed_new"),
    path("calendar/stop/", views.calendar_feed_stop, name="calendar_feed_stop"),
    path("calendar/<slug:token>.ics", views.team_calendar, name="team_calendar"),
]
