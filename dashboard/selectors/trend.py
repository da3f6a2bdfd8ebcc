"""Compliance over the last 12 months, per team, from the nightly snapshots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, QuerySet, Sum

from core.dates import add_months

from ..models import ComplianceSnapshot

MONTHS = 12
# More lines than this is a tangle; the page offers a team filter instead.
MAX_TEAM_LINES = 8


@dataclass(frozen=True)
class Series:
    label: str
    points: list[float | None]  # percent met, one per month; None: no snapshot that month


@dataclass(frozen=True)
class Trend:
    months: list[str]  # "Mar 2026"
    days: list[dt.date | None]  # the snapshot each month's point comes from
    series: list[Series]
    note: str = ""

    @property
    def empty(self) -> bool:
        return all(d is None for d in self.days)

    def rows(self) -> list[tuple[str, list[float | None]]]:
        """Month by month, one value per series: the table the chart draws."""
        return [(m, [s.points[i] for s in self.series]) for i, m in enumerate(self.months)]


def _month_points(day: dt.date) -> list[tuple[dt.date, dt.date]]:
    first = day.replace(day=1)
    starts = [add_months(first, -k) for k in range(MONTHS - 1, -1, -1)]
    return [(s, min(day, add_months(s, 1) - dt.timedelta(days=1))) for s in starts]


def compliance_trend(
    *, day: dt.date, overall_label: str, teams: QuerySet | None, lines: list[tuple[int, str]]
) -> Trend:
    """Percent met (compliant or exempt) at each month's last snapshot up to `day`.

    `teams` limits the overall line to those teams (None: every team and
    colleagues without one); `lines` are the teams drawn one by one. 2 queries,
    3 with lines.
    """
    months = _month_points(day)
    taken = set(
        ComplianceSnapshot.objects.filter(taken_on__range=(months[0][0], day))
        .values_list("taken_on", flat=True)
        .distinct()
    )
    days = [max((d for d in taken if start <= d <= end), default=None) for start, end in months]
    snapshots = ComplianceSnapshot.objects.filter(taken_on__in=[d for d in days if d])
    if teams is not None:
        snapshots = snapshots.filter(team__in=teams)
    met = Sum(F("compliant") + F("exempt"))
    total = Sum(F("compliant") + F("exempt") + F("due_soon") + F("overdue") + F("pending"))
    overall_by_day = {
        taken_on: (m, t)
        for taken_on, m, t in snapshots.values_list("taken_on").annotate(m=met, t=total).order_by()
    }
    by_team: dict[tuple[dt.date, int], tuple[int, int]] = {}
    if lines:
        for taken_on, team_id, m, t in (
            snapshots.filter(team__in=[pk for pk, _ in lines])
            .values_list("taken_on", "team_id")
            .annotate(m=met, t=total)
            .order_by()
        ):
            by_team[(taken_on, team_id)] = (m, t)

    def percent(pair: tuple[int, int] | None) -> float | None:
        return round(100 * pair[0] / pair[1], 1) if pair and pair[1] else None

    series = [Series(overall_label, [percent(overall_by_day.get(d)) for d in days])]
    for team_id, name in lines:
        series.append(Series(name, [percent(by_team.get((d, team_id))) for d in days]))
    return Trend(months=[f"{start:%b %Y}" for start, _ in months], days=days, series=series)
