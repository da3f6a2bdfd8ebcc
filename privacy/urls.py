from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("colleagues/<str:employee_number>/subject-access/", views.subject_access, name="subject_access"),
    path(
        "colleagues/<str:employee_number>/subject-access.json",
        views.subject_access,
        {"fmt": "json"},
        name="subject_access_json",
    ),
    path("retention/", views.retention, name="retention"),
    path("retention/run/", views.retention_run, name="retention_run"),
]
