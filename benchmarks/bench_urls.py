"""The app's URLs, plus `/bench/baseline/<number>/`: the floor the API is measured against."""

from baseline import baseline_eligibility
from django.urls import include, path

urlpatterns = [
    path("bench/baseline/<str:employee_number>/", baseline_eligibility),
    path("", include("config.urls")),
]
