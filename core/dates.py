"""Calendar arithmetic shared by every rule (SPEC.md 2)."""

import datetime as dt

from dateutil.relativedelta import relativedelta


def add_months(day: dt.date, months: int) -> dt.date:
    """`months` calendar months after `day`, clamped to the month's end.

    2025-01-31 + 1 month = 2025-02-28; 2024-02-29 + 12 months = 2025-02-28.
    """
    return day + relativedelta(months=months)
