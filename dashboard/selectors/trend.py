"""Compliance and overdue counts over time, per team, from the nightly snapshots.

Two views of the same snapshots: month by month over the last 12 months, and
quarter by quarter over the last 8 (what a committee compares). Each point is
the last snapshot taken in its month or quarter, up to the day asked about;
"met" and "not met" are read from the counts by `compliance.standing`, the
rule every page and the pack use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum

from core.dates import add_months

from ..charts import Axis, fitted_axis
from ..models import ComplianceSnapshot
from .figures import StatusCounts
from .kpi import Quarter

MONTHS = 12
QUARTERS = 8
# More lines than this is a tangle; the page offers a team filter instead.
MAX_TEAM_LINES = 8
COUNTED = ("compliant", "due_soon", "overdue", "pending", "exempt", "due_soon_current")


@dataclass(frozen=True)
class Series:
    label: str
    points: list[float | None]  # one per period; None: no snapshot in that period


@dataclass(frozen=True)
class Trend:
    months: list[str]  # the periods' labels: "Mar 2026", or "Q1 2026"
    days: list[dt.date | None]  # the snapshot each period's point comes from
    series: list[Series]  # percent met
    overdue: list[Series] = field(default_factory=list)  # requirements not met (overdue)
    note: str = ""

    @property
    def empty(self) -> bool:
        return all(d is None for d in self.days)

    def rows(self) -> list[tuple[str, list[float | None]]]:
        """Period by period, one value per series: the table the chart draws."""
        return [(m, [s.points[i] for s in self.series]) for i, m in enumerate(self.months)]

    def overdue_rows(self) -> list[tuple[str, list[float | None]]]:
        return [(m, [s.points[i] for s in self.overdue]) for i, m in enumerate(self.months)]

    @property
    def met_axis(self) -> Axis:
        return fitted_axis([p for s in self.series for p in s.points], percent=True)

    @property
    def overdue_axis(self) -> Axis:
        return fitted_axis([p for s in self.overdue for p in s.points], percent=False)

    def chart(self) -> dict:
        """What static/js/trend.js draws: both charts, each on its fitted axis."""
        met, overdue = self.met_axis, self.overdue_axis
        return {
            "labels": self.months,
            "met": {
                "series": [{"label": s.label, "points": s.points} for s in self.series],
                "axis": [met.low, met.high, met.step],
            },
            "overdue": {
                "series": [{"label": s.label, "points": s.points} for s in self.overdue],
                "axis": [overdue.low, overdue.high, overdue.step],
            },
        }


def _month_points(day: dt.date) -> list[tuple[dt.date, dt.date]]:
    first = day.replace(day=1)
    starts = [add_months(first, -k) for k in range(MONTHS - 1, -1, -1)]
    return [(s, min(day, add_months(s, 1) - dt.timedelta(days=1))) for s in starts]


def _quarter_points(day: dt.date) -> list[tuple[Quarter, dt.date, dt.date]]:
    quarters = [Quarter.containing(day)]
    while len(quarters) < QUARTERS:
        quarters.append(quarters[-1].previous())
    return [(q, q.start, min(day, q.end)) for q in reversed(quarters)]


def compliance_trends(
    *, day: dt.date, overall_label: str, teams: QuerySet | None, lines: list[tuple[int, str]]
) -> tuple[Trend, Trend]:
    """The monthly and the quarterly trend up to `day` (2 queries for both, 3 with lines).

    `teams` limits the overall line to those teams (None: every team and
    colleagues without one); `lines` are the teams drawn one by one.
    """
    months = _month_points(day)
    quarters = _quarter_points(day)
    taken = set(
        ComplianceSnapshot.objects.filter(taken_on__range=(min(months[0][0], quarters[0][1]), day))
        .values_list("taken_on", flat=True)
        .distinct()
    )

    def last_in(start: dt.date, end: dt.date) -> dt.date | None:
        return max((d for d in taken if start <= d <= end), default=None)

    month_days = [last_in(start, end) for start, end in months]
    quarter_days = [last_in(start, end) for _, start, end in quarters]
    snapshots = ComplianceSnapshot.objects.filter(taken_on__in={d for d in month_days + quarter_days if d})
    if teams is not None:
        snapshots = snapshots.filter(team__in=teams)
    sums = {f"n_{name}": Sum(name) for name in COUNTED}

    def counted(values: list[int]) -> StatusCounts:
        return StatusCounts(**dict(zip(COUNTED, values, strict=True)))

    # Summed by day in SQL: the whole organisation is 400 teams a day.
    overall = {
        taken_on: counted(values)
        for taken_on, *values in snapshots.values_list("taken_on").annotate(**sums).order_by()
    }
    by_team: dict[tuple[dt.date, int], StatusCounts] = {}
    if lines:
        for taken_on, team_id, *values in (
            snapshots.filter(team__in=[pk for pk, _ in lines])
            .values_list("taken_on", "team_id")
            .annotate(**sums)
            .order_by()
        ):
            by_team[(taken_on, team_id)] = counted(values)

    def percent(counts: StatusCounts | None) -> float | None:
        return round(100 * counts.met / counts.total, 1) if counts and counts.total else None

    def not_met(counts: StatusCounts | None) -> int | None:
        return counts.not_met if counts else None

    def trend(labels: list[str], days: list[dt.date | None]) -> Trend:
        return Trend(
            months=labels,
            days=days,
            series=[
                Series(overall_label, [percent(overall.get(d)) for d in days]),
                *(Series(name, [percent(by_team.get((d, pk))) for d in days]) for pk, name in lines),
            ],
            overdue=[
                Series(overall_label, [not_met(overall.get(d)) for d in days]),
                *(Series(name, [not_met(by_team.get((d, pk))) for d in days]) for pk, name in lines),
            ],
        )

    return (
        trend([f"{start:%b %Y}" for start, _ in months], month_days),
        trend([f"Q{q.number} {q.year}" for q, _, _ in quarters], quarter_days),
    )


def compliance_trend(
    *, day: dt.date, overall_label: str, teams: QuerySet | None, lines: list[tuple[int, str]]
) -> Trend:
    """The monthly trend alone."""
    return compliance_trends(day=day, overall_label=overall_label, teams=teams, lines=lines)[0]
