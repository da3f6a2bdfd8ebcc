import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from core.dates import DAY_FORMAT, WHEN_FORMAT, add_months, uk_date, uk_when

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        ("2026-02-06", 36, "2029-02-06"),
        ("2025-12-31", 2, "2026-02-28"),
        ("2026-03-31", -1, "2026-02-28"),
        ("2026-01-10", 12, "2027-01-10"),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(D(start), months) == D(expected)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)), st.integers(-240, 240))
def test_add_months_agrees_with_relativedelta(day, months):
    assert add_months(day, months) == day + relativedelta(months=months)


def test_a_day_and_a_session_start_read_as_on_the_pages():
    assert uk_date(D("2027-03-05")) == "5 Mar 2027"
    assert uk_date(D("2026-09-30")) == "30 Sep 2026"
    assert uk_date(None) == ""
    # UK time: 09:30 UTC is 09:30 in March (GMT) and 10:30 in July (BST).
    assert uk_when(dt.datetime(2027, 3, 5, 9, 30, tzinfo=dt.UTC)) == "Fri 5 Mar 2027, 09:30"
    assert uk_when(dt.datetime(2026, 7, 14, 9, 30, tzinfo=dt.UTC)) == "Tue 14 Jul 2026, 10:30"


def test_the_templates_and_the_code_write_a_date_alike():
    """Templates say |date:"j M Y" and |date:"D j M Y, H:i"; the code's helpers use the same formats."""
    moment = dt.datetime(2026, 7, 14, 9, 30, tzinfo=dt.UTC)
    drawn = Template('{{ day|date:"j M Y" }} / {{ moment|date:"D j M Y, H:i" }}').render(
        Context({"day": moment.date(), "moment": moment})
    )
    assert (DAY_FORMAT, WHEN_FORMAT) == ("j M Y", "D j M Y, H:i")
    assert drawn == f"{uk_date(moment.date())} / {uk_when(moment)}"
