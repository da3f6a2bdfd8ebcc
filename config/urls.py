from django.contrib import admin
from django.urls import include, path

from accounts.views import sign_out
from core.views import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    # Before Django's own: signing out also ends the provider's session after a single sign-on.
    path("accounts/logout/", sign_out, name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("privacy/", include("privacy.urls")),
    path("programme/", include("programme.urls")),
    path("reviews/", include("reviews.urls")),
    path("policies/", include("policies.urls")),
    path("api/", include("api.urls")),
    path("imports/", include("imports.urls")),
    path("reminders/", include("reminders.urls")),
    path("me/", include("selfservice.urls")),
    path("", include("workspace.urls")),
    path("", include("dashboard.urls")),
]
