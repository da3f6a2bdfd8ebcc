"""The programme's arithmetic as pure functions: session dates and coverage counts.

No ORM and no today() here: the selectors load plain data and pass it in.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.dates import add_months

from .enums import NeedKind, RepeatPattern


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    """The `nth` (1-4) `weekday` of the month; 5 means the last one."""
    days = [
        d
        for d in calendar.Calendar().itermonthdates(year, month)
        if d.month == month and d.weekday() == weekday
    ]
    return days[-1] if nth >= 5 else days[nth - 1]


def programme_dates(first: dt.date, *, pattern: str, every_months: int = 1, count: int = 1) -> list[dt.date]:
    """The dates of a rolling programme starting on `first`.

    SAME_DATE keeps the day of the month, clamped to the month's end (the 31st
    falls on 28 February and back on 31 March: each date counts from the first,
    so one short month does not pull every later session earlier).
    SAME_WEEKDAY keeps the weekday and its position: the 2nd Tuesday stays the
    2nd Tuesday; a 5th weekday becomes the last one of each month.
    """
    if pattern == RepeatPattern.ONCE or count == 1:
        return [first]
    if every_months < 1 or count < 1:
        raise ValueError("every_months and count must be at least 1")
    months = [add_months(first.replace(day=1), i * every_months) for i in range(count)]
    if pattern == RepeatPattern.SAME_DATE:
        return [add_months(first, i * every_months) for i in range(count)]
    if pattern == RepeatPattern.SAME_WEEKDAY:
        nth = (first.day - 1) // 7 + 1
        return [nth_weekday(m.year, m.month, first.weekday(), nth) for m in months]
    raise ValueError(f"unknown repeat pattern {pattern!r}")


# --- Coverage planning -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Due:
    """One requirement falling due for one colleague."""

    team: str
    kind: NeedKind
    due_date: dt.date
    overdue: bool


@dataclass(frozen=True, slots=True)
class PlannedSession:
    day: dt.date
    kind: NeedKind | None
    capacity: int
    taken: int


@dataclass
class TeamRow:
    team: str
    overdue: int = 0
    months: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.overdue + sum(self.months)


@dataclass
class KindCoverage:
    kind: NeedKind
    rows: list[TeamRow]
    total: TeamRow
    sessions: list[int]
    places: list[int]
    booked: list[int]
    # Cumulative: everyone due so far (the overdue backlog included) less every place planned so far.
    gap: list[int]

    @property
    def label(self) -> str:
        return self.kind.label


@dataclass
class Coverage:
    months: list[dt.date]  # the first day of each month
    kinds: list[KindCoverage]


def month_index(day: dt.date, start: dt.date) -> int:
    return (day.year - start.year) * 12 + day.month - start.month


def coverage_tally(
    dues: Iterable[Due], sessions: Iterable[PlannedSession], *, start: dt.date, months: int = 12
) -> Coverage:
    """Count, per kind, team and month, what falls due against the sessions and places planned.

    `start` is any day of the first month. Overdue requirements are a backlog
    column of their own; a due date past the last month is outside the plan.
    """
    first = start.replace(day=1)
    month_starts = [add_months(first, i) for i in range(months)]
    per_team: dict[NeedKind, dict[str, TeamRow]] = defaultdict(dict)
    for due in dues:
        rows = per_team[due.kind]
        row = rows.get(due.team)
        if row is None:
            row = rows[due.team] = TeamRow(due.team, months=[0] * months)
        if due.overdue:
            row.overdue += 1
            continue
        index = month_index(due.due_date, first)
        if 0 <= index < months:
            row.months[index] += 1

    planned = {kind: ([0] * months, [0] * months, [0] * months) for kind in NeedKind}
    for s in sessions:
        index = month_index(s.day, first)
        if s.kind is None or not 0 <= index < months:
            continue
        count, places, booked = planned[s.kind]
        count[index] += 1
        places[index] += s.capacity
        booked[index] += s.taken

    kinds = []
    for kind in NeedKind:
        rows = sorted(per_team[kind].values(), key=lambda r: r.team)
        total = TeamRow(
            "All teams",
            overdue=sum(r.overdue for r in rows),
            months=[sum(r.months[i] for r in rows) for i in range(months)],
        )
        count, places, booked = planned[kind]
        gap, need, supply = [], total.overdue, 0
        for i in range(months):
            need += total.months[i]
            supply += places[i]
            gap.append(max(need - supply, 0))
        kinds.append(KindCoverage(kind, rows, total, count, places, booked, gap))
    return Coverage(month_starts, kinds)
