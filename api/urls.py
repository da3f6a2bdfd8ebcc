"""`/api/`: the versioned endpoints, the OpenAPI schema and its docs (readable without credentials)."""

import threading

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from .eligibility import EligibilityCollectionView, EligibilityDetailView
from .policies import PolicyListView
from .webhooks import WebhookDetailView, WebhookListView

# The schema and docs describe the API and hold no data: open to all, and a
# stale or wrong key sent along must not turn them into a 401.
_open = {"authentication_classes": [], "permission_classes": [AllowAny]}


class SchemaView(SpectacularAPIView):
    """The schema, written afresh for each request (its case types and teams are data), one at a time.

    drf-spectacular loads its extensions lazily on first use, and two threads
    doing so at once fail (a 500 seen with two clients fetching the schema
    together); writing the schema takes a few milliseconds, so a lock costs nothing.
    """

    _writing = threading.Lock()

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        with self._writing:
            return super().get(request, *args, **kwargs)


@csrf_exempt  # it changes nothing, whatever the method
def not_found(request, *args, **kwargs):
    """Any other address under /api/: JSON like every API error, not the site's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("v1/eligibility/", EligibilityCollectionView.as_view(), name="api-eligibility"),
    path(
        "v1/eligibility/<str:employee_number>/",
        EligibilityDetailView.as_view(),
        name="api-eligibility-detail",
    ),
    path("v1/policies/", PolicyListView.as_view(), name="api-policies"),
    path("v1/webhooks/", WebhookListView.as_view(), name="api-webhooks"),
    path("v1/webhooks/<int:pk>/", WebhookDetailView.as_view(), name="api-webhook-detail"),
    path("schema/", SchemaView.as_view(**_open), name="api-schema"),
    # Swagger UI sets inline styles as it renders; scripts stay same-origin only (split view).
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema", **_open)
        ),
        name="api-docs",
    ),
    re_path(r"", not_found),
]
