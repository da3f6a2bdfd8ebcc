import datetime as dt

import pytest

from policies.rules import ReviewStatus, next_review_date, reminder_stage, review_status, version_after

D = dt.date


@pytest.mark.parametrize(
    ("endorsed", "months", "override", "expected"),
    [
        (D(2026, 2, 6), 36, None, D(2029, 2, 6)),  # docs/rules.md §6: the Hate Harassment Policy
        (D(2026, 1, 31), 1, None, D(2026, 2, 28)),  # month end clamps
        (D(2028, 1, 31), 1, None, D(2028, 2, 29)),  # leap year February
        (D(2024, 2, 29), 12, None, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, None, D(2028, 2, 29)),
        (D(2025, 8, 31), 36, None, D(2028, 8, 31)),
        (D(2025, 10, 31), 4, None, D(2026, 2, 28)),
        (D(2026, 2, 6), 36, D(2027, 6, 30), D(2027, 6, 30)),  # set by hand
        (None, 36, None, None),  # never endorsed: no date
        (None, 36, D(2027, 1, 1), D(2027, 1, 1)),
    ],
)
def test_next_review_date_is_forum_endorsement_plus_frequency(endorsed, months, override, expected):
    assert next_review_date(endorsed, months, override) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2028, 8, 9), ReviewStatus.CURRENT),  # 181 days before
        (D(2028, 8, 10), ReviewStatus.DUE_SOON),  # exactly 180 days before
        (D(2028, 8, 11), ReviewStatus.DUE_SOON),
        (D(2029, 2, 6), ReviewStatus.DUE_SOON),  # on the day it is not yet overdue
        (D(2029, 2, 7), ReviewStatus.OVERDUE),
        (D(2026, 11, 28), ReviewStatus.CURRENT),
    ],
)
def test_review_status_around_the_180_day_boundary(day, expected):
    assert (D(2029, 2, 6) - D(2028, 8, 10)).days == 180
    assert review_status(D(2029, 2, 6), day, 180) == expected


def test_review_status_without_a_date_is_current():
    assert review_status(None, D(2030, 1, 1), 180) == ReviewStatus.CURRENT


@pytest.mark.parametrize(
    ("days_before", "expected"),
    [
        (181, None),
        (180, "180"),
        (91, "180"),
        (90, "90"),
        (31, "90"),
        (30, "30"),
        (0, "30"),
        (-1, "overdue-1"),
        (-7, "overdue-1"),
        (-8, "overdue-2"),
        (-14, "overdue-2"),
        (-15, "overdue-3"),
        (-365, "overdue-53"),
    ],
)
def test_reminder_stage_by_days_before_the_review(days_before, expected):
    review = D(2029, 2, 6)
    assert reminder_stage(review, review - dt.timedelta(days=days_before)) == expected


def test_reminder_stage_without_a_review_date_is_none():
    assert reminder_stage(None, D(2029, 2, 6)) is None


@pytest.mark.parametrize(("version", "expected"), [("2", "3"), ("1.2", "2"), ("", "1"), ("A", "A (revised)")])
def test_version_after_is_the_next_major_version(version, expected):
    assert version_after(version) == expected
