from django.urls import path

from . import views

app_name = "me"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("sessions/<int:pk>/book/", views.book_view, name="book"),
    path("bookings/<int:pk>/cancel/", views.cancel_view, name="cancel"),
    path("record/", views.record_view, name="record"),
    path("record.json", views.record_view, {"fmt": "json"}, name="record_json"),
]
