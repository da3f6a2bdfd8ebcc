"""The quarterly figures the Communities Committee reviews, from the engine on the quarter's first and last day.

- compliance by requirement and by team at the quarter's end (or today, for
  the quarter in progress), beside the same figure on its first day;
- overdue counts (requirements and people) at both ends;
- refresher completion: of the refreshers that fell due during the quarter
  (their due date, as the engine saw it on the first day, lies inside it), how
  many were renewed by a newer completion by the quarter's end, and how many
  of those on or before the due date. Colleagues exempted during the quarter
  or who left before its end are shown apart and are not counted in the rate.
  The rule is `refreshers.refresher_outcome`; `refresher_list` gives the
  people behind each of these figures, from the same rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from compliance import engine
from compliance.models import CaseType
from core.dates import add_months, uk_date
from core.text import quoted
from people.models import Team

from .evaluate import Evaluation, evaluate
from .figures import Figures, figures_from_evaluation
from .refreshers import OUTCOMES, Outcome, RefresherDue, RefresherFigure, refreshers_due

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

    @classmethod
    def asked(cls, text: str | None, today: dt.date) -> Quarter:
        """The quarter a page is asked for: the last complete one unless one is named; ValueError says why not."""
        if not text:
            return cls.containing(today).previous()
        quarter = cls.parse(text)
        if quarter.start > today:
            raise ValueError(f"{quarter} has not started yet")
        return quarter

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
    def name(self) -> str:
        return f"Q{self.number} {self.year}"

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

    @classmethod
    def of(cls, code: str, name: str, outcomes: Iterable[Outcome]) -> RefresherCompletion:
        """The figures of one requirement's refreshers, counted as their lists are drawn (`OUTCOMES`)."""
        n = Counter(outcomes)

        def count(figure: RefresherFigure) -> int:
            return sum(n[o] for o in OUTCOMES[figure])

        return cls(
            code,
            name,
            fell_due=count(RefresherFigure.FELL_DUE),
            renewed=count(RefresherFigure.RENEWED),
            on_time=count(RefresherFigure.ON_TIME),
            exempted=count(RefresherFigure.EXEMPTED),
            left=count(RefresherFigure.LEFT),
        )


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

    recurring = recurring_requirements(start_eval.catalogue)
    dues = _dues(start_eval, end_eval, quarter, recurring)
    return Kpi(
        quarter=quarter,
        first_day=first_day,
        last_day=last_day,
        in_progress=last_day < quarter.end,
        at_start=at_start,
        at_end=at_end,
        refreshers=[
            RefresherCompletion.of(code, name, (d.outcome for d in dues if d.requirement == code))
            for code, name in recurring.items()
        ],
    )


def recurring_requirements(catalogue: engine.Catalogue) -> dict[str, str]:
    """Code and name of each recurring requirement: those whose refreshers the KPI page follows."""
    return {r.code: r.name for r in catalogue.requirements if r.recurring}


def _dues(start_eval: Evaluation, end_eval: Evaluation, quarter: Quarter, codes) -> list[RefresherDue]:
    return refreshers_due(
        start_eval.colleagues,
        end_eval.colleagues,
        codes,
        quarter_start=quarter.start,
        quarter_end=quarter.end,
        last_day=end_eval.day,
    )


def refresher_list(
    colleagues: QuerySet, quarter: Quarter, today: dt.date, code: str, catalogue: engine.Catalogue
) -> list[RefresherDue]:
    """One recurring requirement's refreshers that fell due in the quarter: the rows its KPI figures count.

    The engine on the KPI page's two days over the same colleagues (19
    queries with the catalogue given, whatever their number); by due date,
    then name.
    """
    start_eval = evaluate(colleagues, quarter.start, catalogue=catalogue, forecast=False)
    end_eval = evaluate(colleagues, min(quarter.end, today), catalogue=catalogue, forecast=False)
    return _dues(start_eval, end_eval, quarter, [code])
