"""A URLconf with a colleague page named `colleague_detail`, as the manager pages will install it."""

from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("reminders/", include("reminders.urls")),
    path(
        "people/<str:employee_number>/",
        lambda request, employee_number: HttpResponse(),
        name="colleague_detail",
    ),
]
