"""Reading one spreadsheet cell: text, dates. Pure functions, no database.

A cell arrives as text (CSV, or a text cell in a workbook) or as a native
value (a date, datetime or number cell in a workbook). Problems are raised as
`CellProblem` with a message a spreadsheet user can act on.
"""

import datetime as dt
import re
from typing import NamedTuple

from core.text import one_line, quoted

# Anything older is a typing slip (01/01/0202), not a training record or a start date.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# A date followed by a time: Excel saves a date-time column to CSV as "06/02/2026 00:00",
# and HR systems export ISO "2026-02-06T00:00:00".
_WITH_TIME = re.compile(r"(.*\d)[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?")
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
        # Values in the message are quoted already; this keeps the line one line even when
        # a message passes on another program's words (a CSV reader's, a workbook's).
        return f"row {self.row}: {one_line(self.column)}: {one_line(self.message)}"


# The name the colleague checks use for core.text.quoted: a cell value quoted for a message.
shown = quoted


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
        raise CellProblem(f"{quoted(value)} is a spreadsheet formula: put the value itself in the cell")
    if len(value) > max_length:
        raise CellProblem(f"{len(value):,} characters; at most {max_length:,} fit")
    if not value.isprintable() and _CONTROL.search(
        value.replace("\n", "").replace("\t", "").replace("\r", "")
    ):
        raise CellProblem(f"{quoted(value)} holds control characters")
    return value


def parse_date(cell, cache: dict | None = None) -> dt.date:
    """A date from a date cell, ISO text (2026-02-06) or UK day-first text (06/02/2026).

    Never month-first: 02/13/2026 is refused, not read as 13 February, and
    a two-digit year is refused rather than guessed (docs/rules.md §2).
    """
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time():
            raise CellProblem(_timed(text(cell), cell.time()))
        return _plausible(cell.date(), cell)
    if isinstance(cell, dt.date):
        return _plausible(cell, cell)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        raise CellProblem(
            f"{quoted(text(cell))} is a number, not a date: format the column as dates or write DD/MM/YYYY"
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


def _timed(raw: str, time: dt.time) -> str:
    shown_time = f"{time:%H:%M:%S}" if time.second else f"{time:%H:%M}"
    return (
        f"{quoted(raw)} has a time, {shown_time}: only a date is read, and a time other than 00:00 can put "
        "the date a day out (a time-zone shift); write the date alone, DD/MM/YYYY"
    )


def _parse_date_text(raw: str) -> dt.date:
    m = _WITH_TIME.fullmatch(raw)
    if m is None:
        return _parse_date_only(raw, raw)
    hour, minute, second = int(m[2]), int(m[3]), int(m[4] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise CellProblem(f"{quoted(raw)} is not a date: write YYYY-MM-DD or DD/MM/YYYY")
    value = _parse_date_only(m[1].rstrip(), raw)
    if hour or minute or second or int(m[5] or 0):
        raise CellProblem(_timed(raw, dt.time(hour, minute, second)))
    return value


def _parse_date_only(raw: str, written: str) -> dt.date:
    """The date in `raw`, the date part of the cell `written` (which the messages quote)."""
    if m := _ISO.fullmatch(raw):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _DAY_FIRST.fullmatch(raw):
        day, month, year = int(m[1]), int(m[3]), int(m[4])
    elif m := _MONTH_NAME.fullmatch(raw):
        month = _MONTHS.get(m[2].lower())
        if month is None:
            raise CellProblem(f"{quoted(written)} is not a date: write YYYY-MM-DD or DD/MM/YYYY")
        day, year = int(m[1]), int(m[3])
    elif _SHORT_YEAR.fullmatch(raw):
        raise CellProblem(f"{quoted(written)} has a two-digit year: write the year in full, DD/MM/YYYY")
    else:
        raise CellProblem(f"{quoted(written)} is not a date: write YYYY-MM-DD or DD/MM/YYYY")
    try:
        value = dt.date(year, month, day)
    except ValueError:
        hint = " (dates are day first: DD/MM/YYYY)" if 1 <= day <= 12 < month <= 31 else ""
        raise CellProblem(f"there is no such date as {quoted(written)}{hint}") from None
    return _plausible(value, written)


def _plausible(value: dt.date, raw) -> dt.date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise CellProblem(f"{quoted(text(raw))} is not a possible date (year {value.year})")
    return value
