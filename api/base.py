"""The base of every `/api/v1/` view: JSON, keys or sessions, scopes, throttling, one error shape."""

from __future__ import annotations

from rest_framework.authentication import SessionAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.views import APIView

from .auth import ApiKeyAuthentication, ScopePermission
from .errors import BadParameter, api_exception_handler
from .throttling import ClientRateThrottle


class JsonFirstNegotiation(DefaultContentNegotiation):
    """JSON at once for a client that accepts anything, as a case system's HTTP library does.

    DRF parses the Accept header and matches it against every renderer on each
    request; for the usual `*/*` (or none) the answer is always the first.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        if request.META.get("HTTP_ACCEPT", "*/*") in ("*/*", "application/json") and not format_suffix:
            renderer = renderers[0]
            return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)


class ApiView(APIView):
    """Base of every `/api/v1/` endpoint."""

    content_negotiation_class = JsonFirstNegotiation
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [ScopePermission]
    throttle_classes = [ClientRateThrottle]
    required_scope: str | None = None

    def get_exception_handler(self):
        return api_exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # No parameter the schema describes can hold a NUL, and PostgreSQL cannot compare one.
        for name, values in request.query_params.lists():
            if any("\x00" in value for value in values):
                raise BadParameter(name, "contains a NUL character")
