"""Query parameters read one way everywhere: a bad one is a 400 that names it."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from compliance import selectors

from .errors import BadParameter

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def date_param(value: str | None, name: str = "on") -> dt.date:
    if value is None or value == "":
        return timezone.localdate()
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, f"{value!r} is not a date in the form YYYY-MM-DD") from None


def case_type_param(value, catalogue):
    if not value:
        raise BadParameter("case_type", "required, e.g. case_type=hate_crime")
    try:
        return selectors.case_type_rule(catalogue, str(value))
    except selectors.UnknownCaseType:
        known = ", ".join(sorted(catalogue.case_types_by_code)) or "none"
        raise BadParameter("case_type", f"unknown case type {value!r}; known: {known}") from None


def bool_param(value: str | None, name: str) -> bool | None:
    if value is None or value == "":
        return None
    lowered = value.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise BadParameter(name, f"{value!r}: use true or false")
