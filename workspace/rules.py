"""What a change would do, in words: the engine's answer before and after, compared.

Pure functions over the engine's plain data (no ORM, no today), so the
preview says exactly what the pages will show once the change is made: the
same engine (compliance.engine) answers both.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from compliance import engine
from compliance.enums import Status
from core.dates import uk_date


def _standing(status: engine.RequirementStatus) -> str:
    label = Status(status.status).label.lower()
    if status.status == Status.COMPLIANT and status.valid_until:
        return f"{label} until {uk_date(status.valid_until)}"
    if status.status in (Status.DUE_SOON, Status.OVERDUE, Status.PENDING) and status.due_date:
        return f"{label} (due {uk_date(status.due_date)})"
    return label


def changes(
    facts: engine.ColleagueFacts,
    before: engine.Catalogue,
    after_facts: engine.ColleagueFacts,
    after: engine.Catalogue,
    day: dt.date,
    window: int,
) -> list[str]:
    """One sentence per requirement of the colleague, saying what it becomes (or that it stays)."""
    names = {r.code: r.name for r in after.requirements}
    old = {s.code: s for s in engine.colleague_statuses(facts, before, day, window)}
    lines = []
    for new in engine.colleague_statuses(after_facts, after, day, window):
        was = old.get(new.code)
        who = f"{facts.name}'s {names.get(new.code, new.code)}"
        if was is not None and (was.status, was.due_date, was.valid_until) == (
            new.status,
            new.due_date,
            new.valid_until,
        ):
            lines.append(f"{who} stays {_standing(new)}: no change.")
        else:
            lines.append(f"{who} becomes {_standing(new)}.")
    if not lines:
        lines.append(f"{facts.name} holds no role with a training requirement on {uk_date(day)}: no change.")
    return lines


def with_completion(
    facts: engine.ColleagueFacts, course: str, completed_on: dt.date
) -> engine.ColleagueFacts:
    return dataclasses.replace(facts, completions=(*facts.completions, (course, completed_on)))


def with_waiver(facts: engine.ColleagueFacts, waiver: engine.WaiverFacts) -> engine.ColleagueFacts:
    return dataclasses.replace(facts, waivers=(*facts.waivers, waiver))


def with_equivalence(
    catalogue: engine.Catalogue, course: str, satisfies: str, on: dt.date
) -> engine.Catalogue:
    rule = engine.EquivalenceRule(course=course, satisfies=satisfies, approved_on=on)
    return dataclasses.replace(catalogue, equivalences=(*catalogue.equivalences, rule))


def current_due(facts: engine.ColleagueFacts, catalogue: engine.Catalogue, requirement: str, day, window):
    """The requirement's due date for the colleague on `day` (None if it has none or does not apply)."""
    for status in engine.colleague_statuses(facts, catalogue, day, window):
        if status.code == requirement:
            return status.due_date
    return None
