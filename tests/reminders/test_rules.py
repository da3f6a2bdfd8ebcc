"""When a reminder is due: the pure rules, no database."""

import datetime as dt

import pytest

from compliance.engine import ColleagueFacts, RequirementStatus
from compliance.enums import Status
from compliance.selectors import ColleagueCompliance
from reminders.models import ReminderStage
from reminders.rules import digest_lines, reminders_due, stage_on, week_starting

DUE = dt.date(2027, 1, 10)
S = ReminderStage


@pytest.mark.parametrize(
    ("days_before", "expected"),
    [
        (120, None),
        (91, None),
        (90, (S.DUE_IN_90_DAYS, 0)),
        (87, (S.DUE_IN_90_DAYS, 0)),  # caught up 3 days late at most
        (86, None),
        (31, None),
        (30, (S.DUE_IN_30_DAYS, 0)),
        (27, (S.DUE_IN_30_DAYS, 0)),
        (26, None),
        (8, None),
        (7, (S.DUE_IN_7_DAYS, 0)),
        (4, (S.DUE_IN_7_DAYS, 0)),
        (3, None),
        (0, None),  # on the due date the colleague is not overdue (docs/rules.md §2)
        (-1, (S.OVERDUE, 0)),
        (-7, (S.OVERDUE, 0)),
        (-8, (S.OVERDUE, 1)),
        (-15, (S.OVERDUE, 2)),
        (-365, (S.OVERDUE, 52)),
    ],
)
def test_stage_on_each_day_around_the_due_date(days_before, expected):
    assert stage_on(DUE, DUE - dt.timedelta(days=days_before), catch_up_days=3) == expected


def test_stage_on_without_catch_up_only_the_exact_day():
    days = [d for d in range(100, -1, -1) if stage_on(DUE, DUE - dt.timedelta(days=d), 0)]
    assert days == [90, 30, 7]


def row(*statuses, leaving=None):
    facts = ColleagueFacts("E1", dt.date(2020, 1, 1), leaving_date=leaving, name="Ada Lovelace", team="North")
    return ColleagueCompliance(
        facts=facts, role="NHO", role_started_on=dt.date(2020, 1, 1), statuses=list(statuses)
    )


def test_reminders_due_skips_exempt_and_met_qualifications():
    day = DUE - dt.timedelta(days=30)
    statuses = [
        RequirementStatus("BTEC-L2", Status.DUE_SOON, DUE, None),
        RequirementStatus("BTEC-L3", Status.COMPLIANT, None, None),
        RequirementStatus("HATE-REFRESHER", Status.EXEMPT, None, None),
    ]
    assert [(r.requirement, r.stage, r.days_left) for r in reminders_due(row(*statuses), day, 3)] == [
        ("BTEC-L2", S.DUE_IN_30_DAYS, 30)
    ]


def test_reminders_due_nothing_ahead_of_a_due_date_after_leaving():
    day = DUE - dt.timedelta(days=7)
    status = RequirementStatus("BTEC-L2", Status.DUE_SOON, DUE, None)
    assert reminders_due(row(status, leaving=DUE - dt.timedelta(days=1)), day, 3) == []
    assert len(reminders_due(row(status, leaving=DUE), day, 3)) == 1


def test_digest_lines_overdue_and_next_30_days_soonest_first():
    day = dt.date(2026, 6, 1)
    statuses = [
        RequirementStatus("A", Status.OVERDUE, day - dt.timedelta(days=3), None),
        RequirementStatus("B", Status.DUE_SOON, day + dt.timedelta(days=30), None),
        RequirementStatus("C", Status.DUE_SOON, day, None),
        RequirementStatus("D", Status.DUE_SOON, day + dt.timedelta(days=31), None),
        RequirementStatus("E", Status.EXEMPT, None, None),
    ]
    overdue, upcoming = digest_lines([row(*statuses)], day)
    assert [(line.requirement, line.days_left) for line in overdue] == [("A", -3)]
    assert [(line.requirement, line.days_left) for line in upcoming] == [("C", 0), ("B", 30)]


def test_week_starting_is_the_monday():
    assert [week_starting(dt.date(2026, 6, d)).isoformat() for d in (1, 3, 7, 8)] == [
        "2026-06-01",
        "2026-06-01",
        "2026-06-01",
        "2026-06-08",
    ]
