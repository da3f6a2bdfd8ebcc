"""A URLconf where the colleague page lives elsewhere: links follow the URL name, not a fixed path."""

from django.http import HttpResponse
from django.urls import include, path

dashboard = (
    [
        path(
            "people/<str:employee_number>/", lambda request, employee_number: HttpResponse(), name="colleague"
        )
    ],
    "dashboard",
)

urlpatterns = [
    path("reminders/", include("reminders.urls")),
    path("", include(dashboard)),
]
