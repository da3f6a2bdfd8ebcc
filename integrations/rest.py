"""What every API endpoint shares: who is asking, what they may reach, how often, and how errors look.

docs/interfaces.md §4: a person with a session or a machine client with
`Authorization: Token <key>`; no or a bad credential is 401, a valid key
outside its scopes is 403, too many requests is 429; every error is JSON
with a human-readable `detail`, and a bad parameter is a 400 naming it.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView, exception_handler

from core.text import one_line

from .models import ApiClient
from .services import api_client_authenticate


class ClientPrincipal:
    """`request.user` for a machine client: authenticated, but no person and no group."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, client: ApiClient):
        self.client = client
        self.username = f"api-client:{client.name}"

    def __str__(self):
        return self.username


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: send `Token <key>`.")
        try:
            token = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("The API key is not valid.") from None
        view = request.parser_context.get("view") if request.parser_context else None
        client = api_client_authenticate(token=token, confirmed_later=getattr(view, "logs_answers", False))
        if client is None:
            raise exceptions.AuthenticationFailed("The API key is not valid, or has been revoked.")
        return ClientPrincipal(client), client

    def authenticate_header(self, request):
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 when no credential is given.
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: a key from `manage.py issue_api_token NAME` or the admin.",
        }


def api_client_of(request) -> ApiClient | None:
    return request.auth if isinstance(request.auth, ApiClient) else None


class ScopePermission(BasePermission):
    """A key reaches only the scopes it was issued with; a person reaches what their role shows."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        client = api_client_of(request)
        scope = getattr(view, "required_scope", None)
        if client is None or scope is None or client.has_scope(scope):
            return True
        self.message = f"This API key does not have the `{scope}` scope."
        return False


def parse_rate(rate: str) -> tuple[int, int]:
    """`600/min` -> (600, 60); units s, min, hour, day (first letter is enough)."""
    count, _, unit = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit.strip()[:1].lower()]
    return int(count), seconds


class ClientRateThrottle(BaseThrottle):
    """Requests per client (or per person) in fixed windows, counted in the shared cache.

    One increment per request, whatever the rate: DRF's sliding-window
    throttle keeps every timestamp and rewrites the list each time, which at
    hundreds of requests a second costs more than the answer.
    """

    def allow_request(self, request, view):
        client = api_client_of(request)
        if client is not None:
            ident, rate = f"client:{client.pk}", client.throttle_rate or settings.API_THROTTLE_RATE
        elif request.user and request.user.is_authenticated:
            ident, rate = f"user:{request.user.pk}", settings.API_USER_THROTTLE_RATE
        else:
            return True
        self.limit, self.period = parse_rate(rate)
        now = time.time()
        window = int(now // self.period)
        key = f"api-throttle:{ident}:{self.period}:{window}"
        cache.add(key, 0, timeout=self.period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.period + 1)
            count = 1
        self.wait_seconds = (window + 1) * self.period - now
        return count <= self.limit

    def wait(self):
        return self.wait_seconds


class BadParameter(exceptions.APIException):
    """400 naming the parameter: `{"detail": "on: ...", "parameter": "on"}`."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_parameter"

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(f"{parameter}: {message}")


def _first_error(detail, path: str = "") -> tuple[str, str]:
    """The first (parameter, message) in a DRF ValidationError's nested detail."""
    if isinstance(detail, dict):
        key, value = next(iter(detail.items()))
        name = (
            path if key == "non_field_errors" else (f"{path}[{key}]" if path and str(key).isdigit() else key)
        )
        if isinstance(value, dict) and all(str(k).isdigit() for k in value):
            index, inner = next(iter(value.items()))
            return _first_error(inner, f"{name}[{index}]")
        return _first_error(value, str(name))
    if isinstance(detail, list) and detail:
        return _first_error(detail[0], path)
    return path or "body", str(detail)


def api_exception_handler(exc, context):
    """DRF's handler, with every error answered as `{"detail": ...}` and bad input as 400 naming it."""
    if isinstance(exc, exceptions.ValidationError):
        parameter, message = _first_error(exc.detail)
        exc = BadParameter(parameter, message)
    elif isinstance(exc, exceptions.ParseError):
        exc = BadParameter("body", f"not valid JSON ({exc.detail})")
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        exc = BadParameter("body", "send JSON with Content-Type: application/json")
    elif isinstance(exc, exceptions.Throttled):
        wait = max(1, round(exc.wait or 1))
        exc = exceptions.Throttled(
            wait=wait, detail=f"Too many requests from this client: try again in {wait} seconds."
        )
    elif isinstance(exc, RequestDataTooBig):
        # Django's own answer is an empty HTML 400 page; a client needs to know what to change.
        return Response(
            {
                "detail": f"The request body is too large: at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} "
                "bytes. Send fewer employee numbers per request."
            },
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, BadParameter):
        response.data = {"detail": str(exc.detail), "parameter": exc.parameter}
    if response is not None and isinstance(response.data, dict):
        # A client logs `detail` as one line; a value echoed in it must not break the line.
        response.data = {k: one_line(v) if isinstance(v, str) else v for k, v in response.data.items()}
    return response


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


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")


class BadParameterSerializer(ErrorSerializer):
    parameter = serializers.CharField(
        help_text="The parameter at fault: a query parameter, a field of the body, or `body`."
    )


def error(description: str, serializer=ErrorSerializer) -> OpenApiResponse:
    return OpenApiResponse(response=serializer, description=description)


BAD_PARAMETER = error(
    "A parameter is missing, malformed or unknown; `detail` names it.", BadParameterSerializer
)
UNAUTHENTICATED = error("No credential, or an API key that is not valid or has been revoked.")
FORBIDDEN = error("The API key does not have this endpoint's scope.")
THROTTLED = error("Too many requests from this client; the Retry-After header says when to try again.")
