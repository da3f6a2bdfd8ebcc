"""How every API error looks: JSON with a human-readable `detail`; bad input is a 400 naming the parameter."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.text import one_line


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
TOO_LARGE = error("The request body is larger than the server reads (`DATA_UPLOAD_MAX_MEMORY_SIZE`).")
