"""Counts by team and requirement, and officers eligible for cases: the dashboard's figures.

Two sources give the same `Figures`: the stored summary (`summary.py`, one
SQL aggregate for any number of colleagues) and a live evaluation by the
engine (`figures_from_evaluation`). A test holds them equal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from compliance.enums import Status
from compliance.standing import Standings, standings_from_counts

from .eligibility import counted_in, horizon_show
from .evaluate import HORIZONS, Evaluation, Forecast

NO_TEAM = ""
# Status.values builds a new list on every call; the counts are added up thousands of times a page.
STATUSES = tuple(Status.values)


@dataclass
class StatusCounts:
    compliant: int = 0
    due_soon: int = 0
    overdue: int = 0
    pending: int = 0
    exempt: int = 0
    # The part of `due_soon` with a current completion (a refresher still
    # valid): met, where the rest of due_soon is on track (compliance.standing).
    due_soon_current: int = 0

    def add(self, status: str, n: int = 1, current: int = 0) -> None:
        """Count `n` of a status; `current` of them have a current completion (valid_until set)."""
        setattr(self, status, getattr(self, status) + n)
        if status == Status.DUE_SOON:
            self.due_soon_current += current

    def merge(self, other: StatusCounts) -> None:
        self.compliant += other.compliant
        self.due_soon += other.due_soon
        self.overdue += other.overdue
        self.pending += other.pending
        self.exempt += other.exempt
        self.due_soon_current += other.due_soon_current

    @property
    def total(self) -> int:
        return self.compliant + self.due_soon + self.overdue + self.pending + self.exempt

    @property
    def standings(self) -> Standings:
        return standings_from_counts(
            compliant=self.compliant,
            due_soon=self.due_soon,
            due_soon_current=self.due_soon_current,
            overdue=self.overdue,
            pending=self.pending,
            exempt=self.exempt,
        )

    @property
    def met(self) -> int:
        return self.standings.met

    @property
    def on_track(self) -> int:
        return self.standings.on_track

    @property
    def not_met(self) -> int:
        return self.standings.not_met

    @property
    def percent_met(self) -> int | None:
        return self.standings.percent_met

    def as_tuple(self) -> tuple[int, ...]:
        """Stored form (TeamSummary): the counts in Status order, then due_soon_current."""
        return (*(getattr(self, s) for s in STATUSES), self.due_soon_current)


@dataclass
class EligibilityCounts:
    """Officers (colleagues whose role the case type admits) and how many may take cases."""

    officers: int = 0
    eligible: int = 0
    supervised: int = 0
    later: list[int] = field(default_factory=lambda: [0] * len(HORIZONS))

    @classmethod
    def from_counts(cls, counts) -> EligibilityCounts:
        """From one count per figure, in `eligibility.COUNTED`'s order (the stored form's too)."""
        officers, eligible, supervised, *later = counts
        return cls(officers, eligible, supervised, list(later))

    def add(self, forecast: Forecast) -> None:
        """Count one officer's answer in each figure whose rule it meets (selectors/eligibility.py)."""
        officers, eligible, supervised, *later = counted_in(forecast)
        self.officers += officers
        self.eligible += eligible
        self.supervised += supervised
        self.later = [n + ok for n, ok in zip(self.later, later, strict=True)]

    def merge(self, other: EligibilityCounts) -> None:
        self.officers += other.officers
        self.eligible += other.eligible
        self.supervised += other.supervised
        self.later = [a + b for a, b in zip(self.later, other.later, strict=True)]

    @property
    def horizons(self) -> list[tuple[int, int]]:
        return list(zip(HORIZONS, self.later, strict=True))

    @property
    def horizon_figures(self) -> list[tuple[int, int, str]]:
        """(days, count, the list's `show` for them) per horizon: each count links to its officers."""
        return [(days, n, horizon_show(days)) for days, n in self.horizons]


@dataclass
class TeamFigures:
    name: str
    team_id: int | None = None
    requirements: dict[str, StatusCounts] = field(default_factory=lambda: defaultdict(StatusCounts))
    eligibility: dict[str, EligibilityCounts] = field(default_factory=lambda: defaultdict(EligibilityCounts))
    people_overdue: int = 0
    people_due_soon: int = 0

    @property
    def all_requirements(self) -> StatusCounts:
        total = StatusCounts()
        for counts in self.requirements.values():
            total.merge(counts)
        return total

    @property
    def label(self) -> str:
        return self.name or "No team"

    def to_json(self) -> dict:
        return {
            "requirements": {code: list(c.as_tuple()) for code, c in self.requirements.items()},
            "eligibility": {
                code: [c.officers, c.eligible, c.supervised, *c.later] for code, c in self.eligibility.items()
            },
            "people": [self.people_overdue, self.people_due_soon],
        }

    @classmethod
    def from_json(cls, team_id: int | None, data: dict) -> TeamFigures:
        team = cls(name="", team_id=team_id)
        for code, counts in data["requirements"].items():
            # Five numbers: stored before due_soon_current was kept (the migration fills it in).
            team.requirements[code] = StatusCounts(*counts)
        for code, (officers, eligible, supervised, *later) in data["eligibility"].items():
            team.eligibility[code] = EligibilityCounts(officers, eligible, supervised, list(later))
        team.people_overdue, team.people_due_soon = data["people"]
        return team

    def lines(self, requirements: list[tuple[str, str]]) -> list[tuple[str, str, StatusCounts]]:
        """(code, name, counts) for each requirement someone in the team has."""
        return [
            (code, name, self.requirements[code]) for code, name in requirements if code in self.requirements
        ]


@dataclass(frozen=True)
class DropOut:
    """An officer eligible on the day who is no longer eligible within a horizon if nobody trains."""

    colleague_id: int
    employee_number: str
    name: str
    team: str
    case_type: str
    within_days: int
    eligible_until: dt.date | None


@dataclass
class Figures:
    day: dt.date
    source: str  # "summary" or "live"
    computed_at: dt.datetime | None
    requirements: list[tuple[str, str]]  # (code, name) in catalogue order
    case_types: list[tuple[str, str]]
    teams: list[TeamFigures]
    drop_outs: list[DropOut] = field(default_factory=list)
    drop_outs_total: int = 0

    # Worked out once the figures are complete: a page reads them several times.
    @cached_property
    def totals(self) -> dict[str, StatusCounts]:
        out: dict[str, StatusCounts] = {code: StatusCounts() for code, _ in self.requirements}
        for team in self.teams:
            for code, counts in team.requirements.items():
                out.setdefault(code, StatusCounts()).merge(counts)
        return out

    @cached_property
    def overall(self) -> StatusCounts:
        total = StatusCounts()
        for counts in self.totals.values():
            total.merge(counts)
        return total

    @cached_property
    def eligibility_totals(self) -> dict[str, EligibilityCounts]:
        out: dict[str, EligibilityCounts] = {code: EligibilityCounts() for code, _ in self.case_types}
        for team in self.teams:
            for code, counts in team.eligibility.items():
                out.setdefault(code, EligibilityCounts()).merge(counts)
        return out

    @property
    def requirement_lines(self) -> list[tuple[str, str, StatusCounts]]:
        totals = self.totals
        return [(code, name, totals[code]) for code, name in self.requirements]

    def eligibility_tables(
        self, teams: list[TeamFigures] | None = None
    ) -> list[tuple[str, str, list[tuple[TeamFigures, EligibilityCounts]], EligibilityCounts]]:
        """Per case type: its name, (team, counts) for each of `teams` with officers, and the totals of all."""
        totals = self.eligibility_totals
        shown = self.teams if teams is None else teams
        return [
            (
                code,
                name,
                [
                    (t, t.eligibility[code])
                    for t in shown
                    if code in t.eligibility and t.eligibility[code].officers
                ],
                totals[code],
            )
            for code, name in self.case_types
        ]

    @property
    def people_overdue(self) -> int:
        return sum(t.people_overdue for t in self.teams)

    @property
    def people_due_soon(self) -> int:
        return sum(t.people_due_soon for t in self.teams)


# The dashboard names at most this many officers who drop out: the figures above count them all.
DROP_OUT_LIMIT = 50


def figures_from_evaluation(
    evaluation: Evaluation,
    *,
    team_ids: dict[str, int],
    case_type_names: dict[str, str],
    computed_at: dt.datetime | None,
) -> Figures:
    teams: dict[str, TeamFigures] = {}
    drop_outs = []
    for c in evaluation.colleagues:
        forecasts = evaluation.forecasts.get(c.facts.colleague_id, ())
        if not c.statuses and not forecasts:
            continue  # no requirement and no case type: nothing to count (as in the summary)
        name = c.facts.team or NO_TEAM
        team = teams.get(name)
        if team is None:
            team = teams[name] = TeamFigures(name=name, team_id=team_ids.get(name))
        statuses = {s.status for s in c.statuses}
        for s in c.statuses:
            team.requirements[s.code].add(s.status, current=s.valid_until is not None)
        team.people_overdue += Status.OVERDUE in statuses
        team.people_due_soon += Status.DUE_SOON in statuses
        for f in forecasts:
            team.eligibility[f.case_type].add(f)
            if f.drops_out_within is not None:
                drop_outs.append(
                    DropOut(
                        c.facts.colleague_id,
                        c.facts.employee_number,
                        c.facts.name,
                        name,
                        f.case_type,
                        f.drops_out_within,
                        f.eligible_until,
                    )
                )
    drop_outs.sort(key=lambda d: (d.within_days, d.eligible_until or dt.date.max, d.team, d.name))
    catalogue = evaluation.catalogue
    return Figures(
        day=evaluation.day,
        source="live",
        computed_at=computed_at,
        requirements=[(r.code, r.name) for r in catalogue.requirements if r.in_force_on(evaluation.day)],
        case_types=[(c.code, case_type_names.get(c.code, c.code)) for c in catalogue.case_types],
        teams=sorted(teams.values(), key=lambda t: (t.name == NO_TEAM, t.name)),
        drop_outs=drop_outs[:DROP_OUT_LIMIT],
        drop_outs_total=len(drop_outs),
    )
