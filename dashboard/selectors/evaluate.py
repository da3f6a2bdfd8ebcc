"""The engine's answers for a set of colleagues on a date, shaped for the pages.

Everything here asks `compliance.selectors` (which asks the one engine); the
pages, the nightly summary and the snapshots all come through `evaluate()`, so
a figure read from the summary and one worked out live are the same figure.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from compliance import engine
from compliance.selectors import ColleagueCompliance, catalogue_load, compliance_on, warning_days
from core.perf import gc_paused

# "How many officers can still take cases in 30, 60, 90 days if nobody trains."
HORIZONS = (30, 60, 90)


@dataclass(frozen=True, slots=True)
class Forecast:
    """Eligibility for one case type on the day and on each horizon after it."""

    case_type: str
    eligible: bool
    supervision_required: bool
    eligible_until: dt.date | None
    later: tuple[bool, ...]  # one per horizon asked for (HORIZONS unless told otherwise)
    # The first horizon on which the officer is no longer eligible (None: still eligible at 90 days).
    drops_out_within: int | None


@dataclass(frozen=True)
class Evaluation:
    day: dt.date
    catalogue: engine.Catalogue
    colleagues: list[ColleagueCompliance]
    # colleague id -> one forecast per case type whose roles admit the colleague's role on the day
    forecasts: dict[int, list[Forecast]]


def nobody_trains_after(facts: engine.ColleagueFacts, day: dt.date) -> engine.ColleagueFacts:
    """The colleague's facts as they stood on `day`, for asking the engine about later dates.

    A forecast answers "who drops out if nobody trains": completions and
    waivers approved after `day` are left out, so the engine sees only what
    was known then (for today, that changes nothing).
    """
    completions = tuple(c for c in facts.completions if c[1] <= day)
    waivers = tuple(w for w in facts.waivers if w.approved_on <= day)
    if len(completions) == len(facts.completions) and len(waivers) == len(facts.waivers):
        return facts
    return dataclasses.replace(facts, completions=completions, waivers=waivers)


def forecasts_for(
    facts: engine.ColleagueFacts,
    role: str | None,
    catalogue: engine.Catalogue,
    day: dt.date,
    window: int,
    horizons: tuple[int, ...] = HORIZONS,
) -> list[Forecast]:
    out = []
    known = None
    for rule in catalogue.case_types:
        if role is None or role not in rule.roles:
            continue
        now = engine.eligibility(facts, facts.employee_number, rule, catalogue, day, window)
        known = known or nobody_trains_after(facts, day)
        later = tuple(
            engine.eligibility(
                known, facts.employee_number, rule, catalogue, day + dt.timedelta(days=h), window
            ).eligible
            for h in horizons
        )
        drops = None
        if now.eligible:
            drops = next((h for h, ok in zip(horizons, later, strict=True) if not ok), None)
        out.append(
            Forecast(rule.code, now.eligible, now.supervision_required, now.eligible_until, later, drops)
        )
    return out


def evaluate(
    colleagues: QuerySet,
    day: dt.date,
    *,
    catalogue: engine.Catalogue | None = None,
    forecast: bool = True,
    horizons: tuple[int, ...] = HORIZONS,
) -> Evaluation:
    """Statuses of every active colleague in the queryset on `day`, and their case eligibility forecasts.

    Without `forecast`, statuses only; with no `horizons`, eligibility on the
    day only. 13 queries whatever the number of colleagues (compliance_on's own).
    """
    catalogue = catalogue or catalogue_load()
    found = compliance_on(colleagues, day, catalogue)
    if not forecast:
        return Evaluation(day=day, catalogue=catalogue, colleagues=found, forecasts={})
    window = warning_days()
    with gc_paused():
        forecasts = {
            c.facts.colleague_id: forecasts_for(c.facts, c.role, catalogue, day, window, horizons)
            for c in found
        }
    return Evaluation(day=day, catalogue=catalogue, colleagues=found, forecasts=forecasts)
