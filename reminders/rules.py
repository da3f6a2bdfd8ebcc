"""When a reminder is due: pure functions over the engine's statuses, no database, no today().

The statuses themselves come from the one engine (`compliance.selectors`);
this module only decides which of them deserve an email on a given day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from compliance import engine
from compliance.enums import Status
from compliance.selectors import ColleagueCompliance

from .models import ReminderStage

# Issue 4: "who becomes due in the next 30 days" in the manager's weekly digest.
DIGEST_HORIZON_DAYS = 30


@dataclass(frozen=True, slots=True)
class DueReminder:
    requirement: str
    due_date: dt.date
    stage: ReminderStage
    overdue_week: int
    status: Status
    # Days left until the due date (0 on the day), or negative once overdue.
    days_left: int

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def stage_on(due: dt.date, day: dt.date, catch_up_days: int) -> tuple[ReminderStage, int] | None:
    """The reminder stage (and overdue week) that `day` falls in for a due date, if any.

    A stage ahead of the due date is sent on its day, or up to `catch_up_days`
    later if the task did not run (a worker down over a weekend) or the due
    date only became known then; after that it is skipped rather than sent
    late, so the first run after install does not send a backlog. Overdue
    reminders go weekly from the day after the due date: week 0 is due+1 to
    due+7, week 1 due+8 to due+14, and so on; each week's is sent on the first
    run that falls in it.
    """
    days_left = (due - day).days
    if days_left < 0:
        return ReminderStage.OVERDUE, (-days_left - 1) // 7
    for stage, ahead in ReminderStage.before_due().items():
        if ahead - catch_up_days <= days_left <= ahead:
            return stage, 0
    return None


def reminders_due(compliance: ColleagueCompliance, day: dt.date, catch_up_days: int) -> list[DueReminder]:
    """The reminders a colleague should get on `day`, from their statuses on that day.

    only the due dates `engine.dues_to_meet` keeps (none for exempt requirements,
    held qualifications, or a date after the colleague leaves unless it has
    passed); the caller passes only colleagues active on `day` (`compliance_on`
    drops leavers).
    """
    out = []
    for status in engine.dues_to_meet(compliance.facts, compliance.statuses):
        found = stage_on(status.due_date, day, catch_up_days)
        if found is None:
            continue
        stage, week = found
        out.append(
            DueReminder(
                requirement=status.code,
                due_date=status.due_date,
                stage=stage,
                overdue_week=week,
                status=status.status,
                days_left=(status.due_date - day).days,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class DigestLine:
    employee_number: str
    name: str
    team: str
    requirement: str
    status: Status
    due_date: dt.date
    days_left: int


def digest_lines(
    rows: Iterable[ColleagueCompliance], day: dt.date, horizon_days: int = DIGEST_HORIZON_DAYS
) -> tuple[list[DigestLine], list[DigestLine]]:
    """A manager's digest: (who is overdue, who becomes due within `horizon_days`), soonest first."""
    overdue, upcoming = [], []
    for row in rows:
        for status in engine.dues_to_meet(row.facts, row.statuses):
            line = DigestLine(
                employee_number=row.facts.employee_number,
                name=row.facts.name,
                team=row.facts.team,
                requirement=status.code,
                status=status.status,
                due_date=status.due_date,
                days_left=(status.due_date - day).days,
            )
            if status.status == Status.OVERDUE:
                overdue.append(line)
            elif 0 <= line.days_left <= horizon_days:
                upcoming.append(line)
    order = lambda line: (line.due_date, line.team, line.name, line.requirement)  # noqa: E731
    return sorted(overdue, key=order), sorted(upcoming, key=order)


def week_starting(day: dt.date) -> dt.date:
    """The Monday of `day`'s week: a manager gets one digest per Monday-to-Sunday week."""
    return day - dt.timedelta(days=day.weekday())
