"""Which officers each eligibility figure counts: one rule for the dashboard's counts and the list behind them.

A figure is a condition on an officer's answer for a case type, written once
(`OfficerFigure.where`) as the fields of `EligibilitySummary` it reads and the
value each must hold. The stored summary counts and lists with it as a `Q`;
a live evaluation tests each engine `Forecast` with it, reading those fields
off the forecast (`FORECAST_FIELDS`, which is also how the summary stores
them). So the dashboard's "12 of 20" and the list of the 12 cannot disagree,
from either source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from operator import attrgetter

from django.db.models import Q

from core.dates import uk_date

from .evaluate import HORIZONS, Forecast


def _in_days(index: int):
    # A forecast asked for no horizons (the KPI report's) says nothing of later days: counted as not.
    return lambda forecast: len(forecast.later) > index and forecast.later[index]


# Each EligibilitySummary field as read off the engine's Forecast (dashboard.services stores it so).
FORECAST_FIELDS = {
    "eligible": attrgetter("eligible"),
    "supervision_required": attrgetter("supervision_required"),
    **{f"eligible_in_{days}": _in_days(i) for i, days in enumerate(HORIZONS)},
}


def forecast_fields(forecast: Forecast) -> dict[str, bool]:
    return {name: read(forecast) for name, read in FORECAST_FIELDS.items()}


@dataclass(frozen=True)
class OfficerFigure:
    """One figure: who it counts, its name in the list's filter, and the list's title."""

    show: str
    label: str
    # The fields and the value each must hold; none: every officer the case type admits.
    where: tuple[tuple[str, bool], ...]
    # The title, with {case} (the case type in words), {when} ("now", "on 5 Mar 2027"), {on}
    # ("", " on 5 Mar 2027") and {later} ("in 30 days", "30 days after 5 Mar 2027").
    title: str
    days: int | None = None  # a horizon's

    @property
    def q(self) -> Q:
        return Q(**dict(self.where))

    def holds(self, forecast: Forecast) -> bool:
        return all(FORECAST_FIELDS[name](forecast) == value for name, value in self.where)


def horizon_show(days: int) -> str:
    """The `show` of the figure "still eligible in `days` days"."""
    return f"in_{days}"


def _horizon(days: int) -> OfficerFigure:
    return OfficerFigure(
        horizon_show(days),
        f"Still eligible in {days} days",
        ((f"eligible_in_{days}", True),),
        "Officers who may still take {case} cases {later} if nobody trains",
        days,
    )


OFFICER_FIGURES: dict[str, OfficerFigure] = {
    figure.show: figure
    for figure in (
        OfficerFigure("officers", "Every officer", (), "Officers whose role takes {case} cases{on}"),
        OfficerFigure(
            "eligible", "Eligible", (("eligible", True),), "Officers who may take {case} cases {when}"
        ),
        OfficerFigure(
            "supervised",
            "Eligible under supervision",
            (("eligible", True), ("supervision_required", True)),
            "Officers who may take {case} cases {when} under supervision",
        ),
        OfficerFigure(
            "not_eligible",
            "Not eligible",
            (("eligible", False),),
            "Officers who may not take {case} cases {when}",
        ),
        *(_horizon(days) for days in HORIZONS),
    )
}
ALL_OFFICERS = "officers"
# The figures the dashboard shows, in the order EligibilityCounts keeps them: officers, eligible,
# under supervision, then one per horizon. ("Not eligible" is the list of the difference.)
COUNTED = ("officers", "eligible", "supervised", *map(horizon_show, HORIZONS))


_READS = tuple(FORECAST_FIELDS.values())
# What each answer counts in, by the fields the rule reads: a few dozen answers at most, where a
# live dashboard asks for 20,000 officers' (testing every rule for each costs four times as much).
_COUNTED_IN: dict[tuple, tuple[int, ...]] = {}


def counted_in(forecast: Forecast) -> tuple[int, ...]:
    """1 or 0 for each figure of `COUNTED`: whether it counts this officer's answer."""
    key = tuple([read(forecast) for read in _READS])
    found = _COUNTED_IN.get(key)
    if found is None:
        found = _COUNTED_IN[key] = tuple(int(OFFICER_FIGURES[show].holds(forecast)) for show in COUNTED)
    return found


def officers_title(show: str, case_type: str, *, day: dt.date | None, team: str | None) -> str:
    """The list's title in plain words; `day` None for today ("now")."""
    figure = OFFICER_FIGURES[show]
    on = uk_date(day)
    text = figure.title.format(
        case=case_type.lower(),
        when=f"on {on}" if day else "now",
        on=f" on {on}" if day else "",
        later=f"{figure.days} days after {on}" if day else f"in {figure.days} days",
    )
    return f"{text}, {team} team" if team else text
