"""Query parameters read one way everywhere, exactly as the OpenAPI schema describes them.

A bad one is a 400 that names it. What the schema calls a date, a boolean or
an integer is read as strictly as the schema's format says, so a value the
schema rejects is never answered as if it were fine (an empty `on=` is not
"today": leave the parameter out for that).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from compliance import selectors
from core.text import quoted

from .errors import BadParameter

# ASCII digits only: `\d` would also let through other scripts' digits, which no schema date has.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"[0-9]+")

# An employee number as the API reads one: 1 to 30 characters, no control character (PostgreSQL
# cannot even compare a NUL), no space at either end. The schema shows this very pattern.
EMPLOYEE_NUMBER_PATTERN = r"^[^\x00-\x20\x7f]([^\x00-\x1f\x7f]*[^\x00-\x20\x7f])?$"
_EMPLOYEE_NUMBER = re.compile(EMPLOYEE_NUMBER_PATTERN.removeprefix("^").removesuffix("$"))
EMPLOYEE_NUMBER_MAX = 30


def is_employee_number(value) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= EMPLOYEE_NUMBER_MAX
        and bool(_EMPLOYEE_NUMBER.fullmatch(value))
    )


def iso_date(value: str) -> dt.date | None:
    """`YYYY-MM-DD` (OpenAPI's `format: date`) as a date; None when it is not one."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def date_param(value: str | None, name: str = "on") -> dt.date:
    if value is None:
        return timezone.localdate()
    day = iso_date(value)
    if day is None:
        if value == "":
            raise BadParameter(name, "empty: give a date in the form YYYY-MM-DD, or leave it out for today")
        raise BadParameter(name, f"{quoted(value)} is not a date in the form YYYY-MM-DD")
    return day


def case_type_param(value, catalogue):
    if value is None:
        raise BadParameter("case_type", "required, e.g. case_type=hate_crime")
    try:
        return selectors.case_type_rule(catalogue, str(value))
    except selectors.UnknownCaseType:
        known = ", ".join(sorted(catalogue.case_types_by_code)) or "none"
        raise BadParameter("case_type", f"unknown case type {quoted(value)}; known: {known}") from None


def bool_param(value: str | None, name: str) -> bool | None:
    """`true` or `false`, as an OpenAPI boolean is written in a query; absent: no filter."""
    if value is None:
        return None
    if value in ("true", "false"):
        return value == "true"
    raise BadParameter(name, f"{quoted(value)}: use true or false")


def int_param(value: str | None, name: str, *, default: int, minimum: int, maximum: int | None = None) -> int:
    if value is None:
        return default
    number = int(value) if _NUMBER.fullmatch(value) else None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        limits = f"from {minimum}" + (f" to {maximum}" if maximum is not None else "")
        raise BadParameter(name, f"{quoted(value)}: give a whole number {limits}")
    return number
