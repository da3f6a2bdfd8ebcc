"""Calendar arithmetic shared by every rule (docs/rules.md §2), and how a date reads to a person."""

import calendar
import datetime as dt
from functools import lru_cache

from django.utils import dateformat, timezone

# One UK date style, on the pages and in the emails alike: a day is "5 Mar 2027" (the templates'
# |date:"j M Y"), the start of a session "Tue 5 Mar 2027, 09:30" (|date:"D j M Y, H:i"), UK time.
DAY_FORMAT = "j M Y"
WHEN_FORMAT = "D j M Y, H:i"

_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@lru_cache(maxsize=100_000)
def add_months(day: dt.date, months: int) -> dt.date:
    """`months` calendar months after `day`, clamped to the month's end.

    2025-01-31 + 1 month = 2025-02-28; 2024-02-29 + 12 months = 2025-02-28.
    Same answers as dateutil's relativedelta (a test holds them equal), at a
    fraction of the cost: the engine calls this for every colleague and
    requirement, and a large organisation repeats the same dates many times.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = _DAYS_IN_MONTH[month] + (month == 2 and calendar.isleap(year))
    return dt.date(year, month, min(day.day, last))


def uk_date(day: dt.date | None) -> str:
    """A day as the pages write it, 5 Mar 2027; "" for no day."""
    return dateformat.format(day, DAY_FORMAT) if day else ""


def uk_when(moment: dt.datetime) -> str:
    """A moment (a session's start) as the pages and emails write it, in UK time: Tue 5 Mar 2027, 09:30."""
    return dateformat.format(timezone.localtime(moment), WHEN_FORMAT)
