from django.urls import path

from . import views

app_name = "programme"

urlpatterns = [
    path("", views.session_list_view, name="session_list"),
    path("plan/", views.session_plan_view, name="session_plan"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("sessions/<int:pk>/", views.session_detail_view, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit_view, name="session_edit"),
    path("sessions/<int:pk>/cancel/", views.session_cancel_view, name="session_cancel"),
    path("sessions/<int:pk>/book/", views.session_book_view, name="session_book"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel_view, name="booking_cancel"),
    path("bookings/<int:pk>/attendance/", views.booking_attendance_view, name="booking_attendance"),
]
