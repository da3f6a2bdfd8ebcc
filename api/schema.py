"""The OpenAPI schema says exactly what the server accepts, including the sets that are data.

Case types and teams are rows, not code: HR adds them without a release. The
server refuses any other value, so the schema lists the values it would
accept at the moment it is served (`/api/schema/` is generated per request);
a client generated from it knows the set, and a schema-valid request is never
refused for being an unknown case type or team. Team names are listed only to
a reader with credentials (the schema itself is open to anyone). Written
without a database (`manage.py spectacular` in CI), the sets cannot be read:
the schema then gives the values' form.
"""

from __future__ import annotations

from django.db import DatabaseError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from compliance.models import CaseType
from core.text import quoted
from people.models import Team

from .params import iso_date

CASE_TYPE = "CaseTypeCode"
TEAM = "TeamName"


def ref(component: str) -> dict:
    return {"$ref": f"#/components/schemas/{component}"}


def _values(model, field: str) -> list[str] | None:
    try:
        return list(model.objects.order_by(field).values_list(field, flat=True))
    except DatabaseError:  # no such table: a schema written without a database
        return None


def _set_of(values: list[str] | None, what: str, form: dict) -> dict:
    if values is not None:
        return {
            "type": "string",
            "enum": values,
            "description": f"{what}: the ones this system knows when this schema is served; any other is a 400.",
        }
    return {
        **form,
        "description": f"{what}: the list is given to readers with credentials only; any unknown one is a 400.",
    }


def _reader_has_credentials(request) -> bool:
    """A signed-in person or a valid key; the schema view itself authenticates nobody (a bad key is no 401)."""
    if request is None:
        return False
    user = getattr(getattr(request, "_request", request), "user", None)
    if user is not None and user.is_authenticated:
        return True
    from .auth import ApiKeyAuthentication

    try:
        return ApiKeyAuthentication().authenticate(request) is not None
    except Exception:  # a stale or malformed key: the reader simply gets the open schema
        return False


def data_enums(result, generator, request, public):
    """Postprocessing hook: fill in the components whose values are data (see the module's docstring)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[CASE_TYPE] = _set_of(
        _values(CaseType, "code"),
        "A case type's code, e.g. `hate_crime`",
        {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "minLength": 1, "maxLength": 50},
    )
    # Team names are the organisation's own data and the schema is open to anyone: only a
    # reader with credentials (a case system's key, a signed-in person) is given the list.
    schemas[TEAM] = _set_of(
        _values(Team, "name") if _reader_has_credentials(request) else None,
        "A team's exact name",
        {"type": "string", "minLength": 1, "maxLength": 200},
    )
    return result


@extend_schema_field(ref(CASE_TYPE))
class CaseTypeField(serializers.CharField):
    """A case type's code, described in the schema by the `CaseTypeCode` component."""

    def __init__(self, **kwargs):
        super().__init__(max_length=50, **kwargs)


@extend_schema_field(OpenApiTypes.DATE)
class IsoDateField(serializers.DateField):
    """`YYYY-MM-DD` and nothing looser (DRF's ISO parsing also takes `2026-1-5`), as `format: date` says."""

    def to_internal_value(self, value):
        day = iso_date(value)
        if day is None:
            raise serializers.ValidationError(f"{quoted(value)} is not a date in the form YYYY-MM-DD")
        return day


CASE_TYPE_PARAMETER = OpenApiParameter(
    "case_type", ref(CASE_TYPE), required=True, description="A case type's code, e.g. `hate_crime`."
)
ON_PARAMETER = OpenApiParameter(
    "on",
    OpenApiTypes.DATE,
    required=False,
    description=(
        "The date to answer for, YYYY-MM-DD; leave it out for today in Europe/London (an empty value is a "
        "400). A past date gives the answer the system would have given that day; a future date forecasts "
        "on today's records."
    ),
)
TEAM_PARAMETER = OpenApiParameter("team", ref(TEAM), description="Only this team (its exact name).")
