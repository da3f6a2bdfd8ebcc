"""Reading one spreadsheet cell: text, dates. Pure functions, no database.

A cell arrives as text (CSV, or a text cell in a workbook) or as a native
value (a date, datetime or number cell in a workbook). Problems are raised as
`CellProblem` with a message a spreadsheet user can act on.
"""

import datetime as dt
import re
from typing import NamedTuple

# Anything older is a typing slip (01/01/0202), not a training record or a start date.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")
_SHORT_YEAR = re.compile(r"\d{1,2}([/.\-])\d{1,2}\1\d{2}")
_MONTH_NAME = re.compile(r"(\d{1,2})[ \-]([A-Za-z]{3,9})[ \-,]+(\d{4})")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class CellProblem(ValueError):
    """The cell cannot be used; the message says why and what to write instead."""


class Problem(NamedTuple):
    """One reason a file is rejected, as docs/interfaces.md §2 prints it: `row R: COLUMN: message`."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.column}: {self.message}"


def shown(value, limit: int = 40) -> str:
    """A cell value quoted for a message: control characters removed, long values cut."""
    text = _CONTROL.sub("", str(value))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"“{text}”"


def text(cell) -> str:
    """The cell as trimmed text; a whole number typed into a workbook reads as digits."""
    if type(cell) is str:
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def checked_text(cell, *, max_length: int) -> str:
    """Trimmed text that fits the field and is a value, not a spreadsheet formula."""
    value = cell.strip() if type(cell) is str else text(cell)
    if not value:
        return value
    if value[0] == "=":
        # A formula in a CSV is never what HR meant to load, and stored it would run
        # in the next spreadsheet that opens an export (CSV injection).
        raise CellProblem(f"{shown(value)} is a spreadsheet formula: put the value itself in the cell")
    if len(value) > max_length:
        raise CellProblem(f"{len(value):,} characters; at most {max_length:,} fit")
    if not value.isprintable() and _CONTROL.search(
        value.replace("\n", "").replace("\t", "").replace("\r", "")
    ):
        raise CellProblem(f"{shown(value)} holds control characters")
    return value


def parse_date(cell, cache: dict | None = None) -> dt.date:
    """A date from a date cell, ISO text (2026-02-06) or UK day-first text (06/02/2026).

    Never month-first: 02/13/2026 is refused, not read as 13 February, and
    a two-digit year is refused rather than guessed (docs/rules.md §2).
    """
    if isinstance(cell, dt.datetime):
        return _plausible(cell.date(), cell)
    if isinstance(cell, dt.date):
        return _plausible(cell, cell)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        raise CellProblem(
            f"{shown(text(cell))} is a number, not a date: format the column as dates or write DD/MM/YYYY"
        )
    raw = text(cell)
    if cache is not None:
        hit = cache.get(raw)
        if hit is not None:
            return hit
    value = _parse_date_text(raw)
    if cache is not None:
        cache[raw] = value
    return value


def _parse_date_text(raw: str) -> dt.date:
    if m := _ISO.fullmatch(raw):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _DAY_FIRST.fullmatch(raw):
        day, month, year = int(m[1]), int(m[3]), int(m[4])
    elif m := _MONTH_NAME.fullmatch(raw):
        month = _MONTHS.get(m[2].lower())
        if month is None:
            raise CellProblem(f"{shown(raw)} is not a date: write YYYY-MM-DD or DD/MM/YYYY")
        day, year = int(m[1]), int(m[3])
    elif _SHORT_YEAR.fullmatch(raw):
        raise CellProblem(f"{shown(raw)} has a two-digit year: write the year in full, DD/MM/YYYY")
    else:
        raise CellProblem(f"{shown(raw)} is not a date: write YYYY-MM-DD or DD/MM/YYYY")
    try:
        value = dt.date(year, month, day)
    except ValueError:
        hint = " (dates are day first: DD/MM/YYYY)" if 1 <= day <= 12 < month <= 31 else ""
        raise CellProblem(f"there is no such date as {shown(raw)}{hint}") from None
    return _plausible(value, raw)


def _plausible(value: dt.date, raw) -> dt.date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise CellProblem(f"{shown(text(raw))} is not a possible date (year {value.year})")
    return value
