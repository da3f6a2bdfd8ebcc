"""The programme's pure arithmetic: session dates and coverage counts (no database)."""

import datetime as dt

import pytest

from programme.enums import NeedKind, RepeatPattern
from programme.rules import Due, PlannedSession, coverage_tally, nth_weekday, programme_dates

D = dt.date.fromisoformat


def test_programme_dates_same_weekday_keeps_the_second_tuesday():
    # 13 Jan 2026 is the 2nd Tuesday of January.
    days = programme_dates(D("2026-01-13"), pattern=RepeatPattern.SAME_WEEKDAY, count=4)
    assert days == [D("2026-01-13"), D("2026-02-10"), D("2026-03-10"), D("2026-04-14")]
    assert {d.weekday() for d in days} == {1}


def test_programme_dates_fifth_weekday_becomes_the_last_one():
    # 30 Jan 2026 is the 5th Friday; February 2026 has only four Fridays.
    days = programme_dates(D("2026-01-30"), pattern=RepeatPattern.SAME_WEEKDAY, count=3)
    assert days == [D("2026-01-30"), D("2026-02-27"), D("2026-03-27")]


def test_programme_dates_same_date_clamps_to_month_end_without_drifting():
    days = programme_dates(D("2026-01-31"), pattern=RepeatPattern.SAME_DATE, count=4)
    assert days == [D("2026-01-31"), D("2026-02-28"), D("2026-03-31"), D("2026-04-30")]


def test_programme_dates_every_three_months_across_a_leap_february():
    days = programme_dates(D("2027-11-29"), pattern=RepeatPattern.SAME_DATE, every_months=3, count=3)
    assert days == [D("2027-11-29"), D("2028-02-29"), D("2028-05-29")]


def test_programme_dates_once_is_a_single_date():
    assert programme_dates(D("2026-05-05"), pattern=RepeatPattern.ONCE, count=12) == [D("2026-05-05")]


def test_programme_dates_rejects_an_unknown_pattern():
    with pytest.raises(ValueError, match="unknown repeat pattern"):
        programme_dates(D("2026-05-05"), pattern="fortnightly", count=2)


def test_nth_weekday_first_monday():
    assert nth_weekday(2026, 6, 0, 1) == D("2026-06-01")


def test_coverage_tally_counts_per_team_month_and_kind():
    dues = [
        Due("North", NeedKind.REFRESHER, D("2026-06-10"), overdue=False),
        Due("North", NeedKind.REFRESHER, D("2026-06-30"), overdue=False),
        Due("North", NeedKind.REFRESHER, D("2026-04-01"), overdue=True),
        Due("South", NeedKind.REFRESHER, D("2026-08-01"), overdue=False),
        Due("South", NeedKind.QUALIFICATION, D("2027-05-31"), overdue=False),  # month 12
        Due("South", NeedKind.QUALIFICATION, D("2027-06-01"), overdue=False),  # past the plan
    ]
    sessions = [
        PlannedSession(D("2026-06-20"), NeedKind.REFRESHER, capacity=1, taken=1),
        PlannedSession(D("2026-07-14"), NeedKind.REFRESHER, capacity=2, taken=0),
        PlannedSession(D("2026-07-15"), None, capacity=30, taken=0),  # meets no requirement
        PlannedSession(D("2027-06-02"), NeedKind.REFRESHER, capacity=9, taken=0),  # past the plan
    ]
    coverage = coverage_tally(dues, sessions, start=D("2026-06-01"), months=12)
    refreshers, qualifications = coverage.kinds
    assert coverage.months[0] == D("2026-06-01")
    assert coverage.months[-1] == D("2027-05-01")
    assert [(r.team, r.overdue, r.months[:3], r.total) for r in refreshers.rows] == [
        ("North", 1, [2, 0, 0], 3),
        ("South", 0, [0, 0, 1], 1),
    ]
    assert (refreshers.total.overdue, refreshers.total.months[:3]) == (1, [2, 0, 1])
    assert refreshers.sessions[:3] == [1, 1, 0]
    assert refreshers.places[:3] == [1, 2, 0]
    assert refreshers.booked[:3] == [1, 0, 0]
    # Cumulative need (1 overdue + 2 in June, 1 more in August) less places so far (1 in June, 3 by July).
    assert refreshers.gap[:4] == [2, 0, 1, 1]
    assert [(r.team, r.months[11], r.total) for r in qualifications.rows] == [("South", 1, 1)]
    assert qualifications.places == [0] * 12
