"""The quarterly figures the Communities Committee reviews, from the engine on the quarter's first and last day.

- compliance by requirement and by team at the quarter's end (or today, for
  the quarter in progress), beside the same figure on its first day;
- overdue counts (requirements and people) at both ends;
- refresher completion: of the refreshers that fell due during the quarter
  (their due date, as the engine saw it on the first day, lies inside it), how
  many were renewed by a newer completion by the quarter's end, and how many
  of those on or before the due date. Colleagues exempted during the quarter
  or who left before its end are shown apart and are not counted in the rate.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import QuerySet

from compliance.enums import Status
from compliance.models import CaseType
from core.dates import add_months, uk_date
from core.text import quoted
from people.models import Team

from .evaluate import evaluate
from .figures import Figures, figures_from_evaluation

QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = QUARTER.match(text.strip())
        if not match:
            raise ValueError(f"{quoted(text)} is not a quarter such as 2026-Q1")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * (self.number - 1) + 1, 1)

    @property
    def end(self) -> dt.date:
        return add_months(self.start, 3) - dt.timedelta(days=1)

    def previous(self) -> Quarter:
        return Quarter.containing(self.start - dt.timedelta(days=1))

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year} ({self.start:%-d %b} to {self.end:%-d %b %Y})"


def recent_quarters(today: dt.date, count: int = 8) -> list[Quarter]:
    quarters = [Quarter.containing(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters


@dataclass(frozen=True)
class RefresherCompletion:
    code: str
    name: str
    fell_due: int
    renewed: int
    on_time: int
    exempted: int
    left: int

    @property
    def counted(self) -> int:
        return self.fell_due - self.exempted - self.left

    @property
    def not_renewed(self) -> int:
        return self.counted - self.renewed

    @property
    def rate(self) -> int | None:
        return round(100 * self.renewed / self.counted) if self.counted else None

    @property
    def on_time_rate(self) -> int | None:
        return round(100 * self.on_time / self.counted) if self.counted else None


@dataclass(frozen=True)
class Kpi:
    quarter: Quarter
    first_day: dt.date
    last_day: dt.date  # the quarter's end, or today while it is in progress
    in_progress: bool
    at_start: Figures
    at_end: Figures
    refreshers: list[RefresherCompletion]

    def requirement_rows(self):
        """(code, name, counts at start, counts at end) for each requirement in force at the end."""
        start, end = self.at_start.totals, self.at_end.totals
        return [(code, name, start.get(code), end[code]) for code, name in self.at_end.requirements]

    def paragraphs(self) -> list[tuple[str, str, str]]:
        """(code, name, one paragraph in plain words) per requirement: what the committee reads first."""
        refreshers = {r.code: r for r in self.refreshers}
        out = []
        for code, name, start, end in self.requirement_rows():
            out.append((code, name, requirement_paragraph(self, end, start, refreshers.get(code))))
        return out


def _people(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def requirement_paragraph(kpi: Kpi, end, start, refresher: RefresherCompletion | None) -> str:
    if not end.total:
        text = f"It applied to nobody on {uk_date(kpi.last_day)}."
    else:
        text = (
            f"On {uk_date(kpi.last_day)} it applied to {_people(end.total, 'colleague', 'colleagues')}: "
            f"{end.percent_met}% met it"
        )
        if start is not None and start.percent_met is not None:
            text += f" ({start.percent_met}% on {uk_date(kpi.first_day)})"
        text += (
            f"; {end.met:,} met, {end.on_track:,} on track (inside the induction year or an extension) "
            f"and {end.not_met:,} overdue"
        )
        if start is not None:
            text += f" ({start.not_met:,} at the start of the quarter)"
        text += "."
    if refresher is not None:
        if not refresher.counted:
            text += " No refresher fell due in the quarter."
        else:
            text += (
                f" Of {_people(refresher.counted, 'refresher', 'refreshers')} that fell due in the quarter, "
                f"{refresher.renewed:,} {'was' if refresher.renewed == 1 else 'were'} renewed "
                f"({refresher.rate}%), {refresher.on_time:,} on or before the due date."
            )
    return text


def quarterly_kpi(colleagues: QuerySet, quarter: Quarter, today: dt.date) -> Kpi:
    """About 30 queries, whatever the number of colleagues; the engine runs on the two days."""
    first_day = quarter.start
    last_day = min(quarter.end, today)
    team_ids = dict(Team.objects.values_list("name", "id"))
    case_names = dict(CaseType.objects.values_list("code", "name"))
    start_eval = evaluate(colleagues, first_day, forecast=False)
    # Eligibility on the last day only: the report has no forecast.
    end_eval = evaluate(colleagues, last_day, catalogue=start_eval.catalogue, horizons=())
    at_start = figures_from_evaluation(
        start_eval, team_ids=team_ids, case_type_names=case_names, computed_at=None
    )
    at_end = figures_from_evaluation(
        end_eval, team_ids=team_ids, case_type_names=case_names, computed_at=None
    )

    recurring = {r.code: r.name for r in start_eval.catalogue.requirements if r.recurring}
    at_end_by = {(c.facts.colleague_id, s.code): s for c in end_eval.colleagues for s in c.statuses}
    tallies = {
        code: {"fell_due": 0, "renewed": 0, "on_time": 0, "exempted": 0, "left": 0} for code in recurring
    }
    for c in start_eval.colleagues:
        for s in c.statuses:
            if s.code not in recurring or s.due_date is None or not first_day <= s.due_date <= quarter.end:
                continue
            tally = tallies[s.code]
            tally["fell_due"] += 1
            later = at_end_by.get((c.facts.colleague_id, s.code))
            if later is None:
                # Left, or moved to a role without the requirement: no longer theirs to renew.
                tally["left"] += 1
                continue
            if later.status == Status.EXEMPT:
                tally["exempted"] += 1
                continue
            before = s.satisfied_by.completed_on if s.satisfied_by else None
            after = later.satisfied_by.completed_on if later.satisfied_by else None
            if after is not None and (before is None or after > before):
                tally["renewed"] += 1
                tally["on_time"] += after <= s.due_date
    return Kpi(
        quarter=quarter,
        first_day=first_day,
        last_day=last_day,
        in_progress=last_day < quarter.end,
        at_start=at_start,
        at_end=at_end,
        refreshers=[RefresherCompletion(code, recurring[code], **tallies[code]) for code in recurring],
    )
