"""What became of each refresher that fell due in a quarter (docs/rules.md §5), in one place.

The KPI page's refresher figures (and the workbook's and the pack's, which
are the same `Kpi`) count these outcomes, and the list behind each figure
shows the same rows: a figure and the people behind it cannot disagree.
Pure: the engine's statuses on the quarter's first and last day in, plain
rows out; no ORM, no `today()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

from compliance.engine import Completion, RequirementStatus
from compliance.enums import Status

if TYPE_CHECKING:
    from compliance.selectors import ColleagueCompliance


class Outcome(models.TextChoices):
    """One refresher that fell due in the quarter ends the quarter in exactly one of these."""

    ON_TIME = "renewed_on_time", "Renewed on time"
    LATE = "renewed_late", "Renewed late"
    NOT_RENEWED = "not_renewed", "Not renewed"
    EXEMPTED = "exempted", "Exempted"
    LEFT = "left", "Left or changed role"


class RefresherFigure(models.TextChoices):
    """The KPI page's refresher figures: the `outcome` a list of the people behind one is asked for."""

    FELL_DUE = "fell_due", "Fell due"
    # The rate's denominator: those still theirs to renew at the quarter's end.
    COUNTED = "counted", "Counted in the rate"
    RENEWED = "renewed", "Renewed"
    ON_TIME = "on_time", "On time"
    NOT_RENEWED = "not_renewed", "Not renewed"
    EXEMPTED = "exempted", "Exempted"
    LEFT = "left", "Left or changed role"


# The outcomes each figure counts.
OUTCOMES: dict[RefresherFigure, frozenset[Outcome]] = {
    RefresherFigure.FELL_DUE: frozenset(Outcome),
    RefresherFigure.COUNTED: frozenset({Outcome.ON_TIME, Outcome.LATE, Outcome.NOT_RENEWED}),
    RefresherFigure.RENEWED: frozenset({Outcome.ON_TIME, Outcome.LATE}),
    RefresherFigure.ON_TIME: frozenset({Outcome.ON_TIME}),
    RefresherFigure.NOT_RENEWED: frozenset({Outcome.NOT_RENEWED}),
    RefresherFigure.EXEMPTED: frozenset({Outcome.EXEMPTED}),
    RefresherFigure.LEFT: frozenset({Outcome.LEFT}),
}

# What a list is titled, "{quarter}" read as "Q1 2026".
TITLES = {
    RefresherFigure.FELL_DUE: "Refreshers that fell due in {quarter}",
    RefresherFigure.COUNTED: "Refreshers due in {quarter} counted in the completion rate",
    RefresherFigure.RENEWED: "Refreshers due in {quarter} that were renewed",
    RefresherFigure.ON_TIME: "Refreshers due in {quarter} that were renewed on time",
    RefresherFigure.NOT_RENEWED: "Refreshers due in {quarter} that were not renewed",
    RefresherFigure.EXEMPTED: "Refreshers due in {quarter} whose colleague was exempted",
    RefresherFigure.LEFT: "Refreshers due in {quarter} whose colleague left or changed role",
}


def renewal(at_start: RequirementStatus, at_end: RequirementStatus) -> Completion | None:
    """The completion that renewed the refresher: one newer than what satisfied it on the first day."""
    before, after = at_start.satisfied_by, at_end.satisfied_by
    if after is not None and (before is None or after.completed_on > before.completed_on):
        return after
    return None


def refresher_outcome(
    at_start: RequirementStatus,
    at_end: RequirementStatus | None,
    *,
    quarter_start: dt.date,
    quarter_end: dt.date,
) -> Outcome | None:
    """What became of a refresher by the quarter's last day; None unless it fell due in the quarter.

    `at_start` is its status on the quarter's first day (its due date as the
    engine saw it then); `at_end` its status on the last day worked out (the
    quarter's end, or today while it runs), None when the colleague no longer
    had it: they left, or moved to a role without it. Leaving and an
    exemption come first: the refresher was no longer theirs to renew, so
    neither counts in the rate, whatever they completed.
    """
    due = at_start.due_date
    if due is None or not quarter_start <= due <= quarter_end:
        return None
    if at_end is None:
        return Outcome.LEFT
    if at_end.status == Status.EXEMPT:
        return Outcome.EXEMPTED
    renewed = renewal(at_start, at_end)
    if renewed is None:
        return Outcome.NOT_RENEWED
    return Outcome.ON_TIME if renewed.completed_on <= due else Outcome.LATE


@dataclass(frozen=True, slots=True)
class RefresherDue:
    """One colleague's refresher that fell due in the quarter, and what became of it."""

    requirement: str
    colleague_id: int | None
    employee_number: str
    name: str
    team: str
    due_date: dt.date
    outcome: Outcome
    renewed_by: Completion | None  # the completion that renewed it, when one did
    left_on: dt.date | None  # their leaving date, when they left before the last day

    def counts_in(self, figure: RefresherFigure) -> bool:
        return self.outcome in OUTCOMES[figure]


def refreshers_due(
    at_start: Iterable[ColleagueCompliance],
    at_end: Iterable[ColleagueCompliance],
    recurring: Iterable[str],
    *,
    quarter_start: dt.date,
    quarter_end: dt.date,
    last_day: dt.date,
) -> list[RefresherDue]:
    """Every recurring requirement's refreshers that fell due in the quarter, by due date then name.

    `at_start` and `at_end` are the engine's answers for each colleague on
    the quarter's first day and on `last_day`.
    """
    recurring = frozenset(recurring)
    later = {(c.facts.colleague_id, s.code): s for c in at_end for s in c.statuses if s.code in recurring}
    out = []
    for c in at_start:
        facts = c.facts
        for s in c.statuses:
            if s.code not in recurring:
                continue
            end = later.get((facts.colleague_id, s.code))
            outcome = refresher_outcome(s, end, quarter_start=quarter_start, quarter_end=quarter_end)
            if outcome is None:
                continue
            leaving = facts.leaving_date
            out.append(
                RefresherDue(
                    requirement=s.code,
                    colleague_id=facts.colleague_id,
                    employee_number=facts.employee_number,
                    name=facts.name,
                    team=facts.team,
                    due_date=s.due_date,
                    outcome=outcome,
                    renewed_by=renewal(s, end) if outcome in (Outcome.ON_TIME, Outcome.LATE) else None,
                    left_on=leaving if leaving is not None and leaving < last_day else None,
                )
            )
    out.sort(key=lambda r: (r.due_date, r.name, r.employee_number, r.requirement))
    return out
