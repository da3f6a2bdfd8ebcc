"""The compliance engine: docs/rules.md §3 and §4 as pure functions over plain data.

Nothing here touches the database or asks for today's date. The selector in
`compliance.selectors` loads `ColleagueFacts` and a `Catalogue`; the pages, the
report command, the API and the reminders all ask these functions, so every
door gives the same answer for the same date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from core.dates import add_months

from .enums import Reason, Status, WaiverKind


@dataclass(frozen=True, slots=True)
class RequirementRule:
    code: str
    name: str
    roles: frozenset[str]
    courses: frozenset[str]
    first_due_months: int = 12
    recurrence_months: int | None = None
    in_force_from: dt.date = dt.date.min
    in_force_until: dt.date | None = None
    requirement_id: int | None = None

    @property
    def recurring(self) -> bool:
        return self.recurrence_months is not None

    def in_force_on(self, day: dt.date) -> bool:
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)


@dataclass(frozen=True, slots=True)
class EquivalenceRule:
    """Holding `course` counts as holding `satisfies` from `approved_on` (not transitive)."""

    course: str
    satisfies: str
    approved_on: dt.date = dt.date.min


@dataclass(frozen=True, slots=True)
class CaseTypeRule:
    code: str
    roles: frozenset[str]
    gated_by: frozenset[str]


@dataclass(frozen=True)
class Catalogue:
    requirements: tuple[RequirementRule, ...]
    equivalences: tuple[EquivalenceRule, ...] = ()
    case_types: tuple[CaseTypeRule, ...] = ()

    @cached_property
    def case_types_by_code(self) -> dict[str, CaseTypeRule]:
        return {c.code: c for c in self.case_types}

    @cached_property
    def _applicable(self) -> dict[tuple[str, dt.date], tuple[tuple[RequirementRule, frozenset[str]], ...]]:
        return {}

    def satisfying_courses(self, rule: RequirementRule, day: dt.date) -> frozenset[str]:
        """The requirement's own courses, plus courses recorded as equivalent to one of them by `day`."""
        extra = {e.course for e in self.equivalences if e.satisfies in rule.courses and e.approved_on <= day}
        return rule.courses | extra

    def applicable(self, role: str, day: dt.date) -> tuple[tuple[RequirementRule, frozenset[str]], ...]:
        """The requirements of `role` in force on `day`, each with the courses that satisfy it then.

        Worked out once per role and day: a report asks it for every colleague.
        """
        key = (role, day)
        found = self._applicable.get(key)
        if found is None:
            found = self._applicable[key] = tuple(
                (r, self.satisfying_courses(r, day))
                for r in self.requirements
                if role in r.roles and r.in_force_on(day)
            )
        return found

    def requirements_for(self, role: str, day: dt.date) -> list[RequirementRule]:
        return [rule for rule, _ in self.applicable(role, day)]


# Completions and role spells are (course, date) and (role, date) pairs. The
# selector hands the engine plain tuples straight from the database (a hundred
# thousand per report; a named tuple costs five times as much to make), and
# tests may pass these named tuples: the engine only unpacks them.
class Completion(NamedTuple):
    course: str
    completed_on: dt.date


class RoleSpell(NamedTuple):
    """The colleague held `role` from `started_on` until the next spell starts."""

    role: str
    started_on: dt.date


@dataclass(frozen=True, slots=True)
class WaiverFacts:
    requirement: str
    kind: str
    approved_on: dt.date
    new_due_date: dt.date | None = None
    # The due date the extension replaces: it applies to that cycle only, so a
    # later completion or role change is not silently extended as well.
    original_due_date: dt.date | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None

    def exempts_on(self, day: dt.date) -> bool:
        return (
            self.kind == WaiverKind.EXEMPTION
            and self.approved_on <= day
            and self.starts_on is not None
            and self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
        )

    def extends(self, due: dt.date, day: dt.date) -> bool:
        return (
            self.kind == WaiverKind.EXTENSION
            and self.approved_on <= day
            and self.new_due_date is not None
            and self.new_due_date > due
            and (self.original_due_date is None or self.original_due_date == due)
        )


@dataclass(frozen=True, slots=True)
class ColleagueFacts:
    employee_number: str
    start_date: dt.date
    leaving_date: dt.date | None = None
    roles: tuple[RoleSpell, ...] = ()
    completions: tuple[Completion, ...] = ()
    waivers: tuple[WaiverFacts, ...] = ()
    name: str = ""
    team: str = ""
    colleague_id: int | None = None

    def active_on(self, day: dt.date) -> bool:
        # The leaving date is the colleague's last working day: still active on it.
        return self.start_date <= day and (self.leaving_date is None or day <= self.leaving_date)

    def left_before(self, day: dt.date) -> bool:
        return self.leaving_date is not None and self.leaving_date < day

    def role_on(self, day: dt.date) -> RoleSpell | None:
        current = None
        for role, started_on in self.roles:
            if started_on <= day and (current is None or started_on >= current[1]):
                current = (role, started_on)
        return RoleSpell(*current) if current else None


@dataclass(frozen=True, slots=True)
class RequirementStatus:
    code: str
    status: Status
    due_date: dt.date | None
    valid_until: dt.date | None
    satisfied_by: Completion | None = None
    waiver: WaiverFacts | None = None


@dataclass(frozen=True, slots=True)
class ReasonEntry:
    code: str
    requirement: str | None = None
    due_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Eligibility:
    employee_number: str
    case_type: str
    as_of: dt.date
    eligible: bool
    supervision_required: bool = False
    eligible_until: dt.date | None = None
    reasons: tuple[ReasonEntry, ...] = ()
    requirements: tuple[RequirementStatus, ...] = field(default_factory=tuple)


def _status_by_window(due: dt.date, day: dt.date, warning_days: int) -> Status | None:
    if day > due:
        return Status.OVERDUE
    if (due - day).days <= warning_days:
        return Status.DUE_SOON
    return None


def requirement_status(
    rule: RequirementRule,
    facts: ColleagueFacts,
    role_started_on: dt.date,
    catalogue: Catalogue,
    day: dt.date,
    warning_days: int,
    courses: frozenset[str] | None = None,
) -> RequirementStatus:
    """docs/rules.md §3 for one requirement that applies to the colleague's role on `day`."""
    waivers = [w for w in facts.waivers if w.requirement == rule.code] if facts.waivers else []
    for waiver in waivers:
        if waiver.exempts_on(day):
            return RequirementStatus(rule.code, Status.EXEMPT, None, None, waiver=waiver)

    if courses is None:
        courses = catalogue.satisfying_courses(rule, day)
    last: Completion | None = None
    last_on: dt.date | None = None
    for course, completed_on in facts.completions:
        if completed_on <= day and course in courses and (last_on is None or completed_on > last_on):
            last, last_on = (course, completed_on), completed_on
    if last is not None:
        last = Completion(*last)

    induction_due = add_months(role_started_on, rule.first_due_months)

    if not rule.recurring:
        # 3.1: a qualification held at any time before `day` (even from a previous job) counts.
        if last is not None:
            return RequirementStatus(rule.code, Status.COMPLIANT, None, None, satisfied_by=last)
        due, applied = _extended(induction_due, waivers, day)
        status = _status_by_window(due, day, warning_days) or Status.PENDING
        return RequirementStatus(rule.code, status, due, None, waiver=applied)

    # 3.2: the induction year still applies to a new starter whose last training is old.
    expires = add_months(last.completed_on, rule.recurrence_months) if last else None
    due = max(expires, induction_due) if expires else induction_due
    due, applied = _extended(due, waivers, day)
    current = expires is not None and day <= expires
    valid_until = due if current else None
    status = _status_by_window(due, day, warning_days)
    if status is None:
        status = Status.COMPLIANT if current else Status.PENDING
    if status == Status.OVERDUE:
        valid_until = None
    return RequirementStatus(rule.code, status, due, valid_until, satisfied_by=last, waiver=applied)


def _extended(due: dt.date, waivers: list[WaiverFacts], day: dt.date) -> tuple[dt.date, WaiverFacts | None]:
    applied = None
    for waiver in waivers:
        if waiver.extends(due, day) and (applied is None or waiver.new_due_date > applied.new_due_date):
            applied = waiver
    return (applied.new_due_date, applied) if applied else (due, None)


def colleague_statuses(
    facts: ColleagueFacts, catalogue: Catalogue, day: dt.date, warning_days: int
) -> list[RequirementStatus]:
    """Every requirement of the colleague's role on `day`; empty when not active or without a role."""
    if not facts.active_on(day):
        return []
    spell = facts.role_on(day)
    if spell is None:
        return []
    return [
        requirement_status(rule, facts, spell.started_on, catalogue, day, warning_days, courses)
        for rule, courses in catalogue.applicable(spell.role, day)
    ]


def dues_to_meet(facts: ColleagueFacts, statuses: Iterable[RequirementStatus]) -> Iterator[RequirementStatus]:
    """The statuses that still ask for training by a date (docs/rules.md §3.5): what reminders, digests,
    feeds and plans list.

    A qualification already held has no due date, and an exempt requirement
    asks for nothing. A due date after the colleague's known leaving date asks
    for nothing either (they will have gone by then), unless it has already
    passed: overdue training is still owed while they work here.
    """
    leaving = facts.leaving_date
    for s in statuses:
        if s.due_date is None or s.status == Status.EXEMPT:
            continue
        if leaving is not None and s.due_date > leaving and s.status != Status.OVERDUE:
            continue
        yield s


def eligibility(
    facts: ColleagueFacts | None,
    employee_number: str,
    case_type: CaseTypeRule,
    catalogue: Catalogue,
    day: dt.date,
    warning_days: int,
) -> Eligibility:
    """docs/rules.md §4: may this officer be assigned a case of `case_type` on `day`, and why."""

    def refuse(code: str, requirements: tuple[RequirementStatus, ...] = ()) -> Eligibility:
        return Eligibility(
            employee_number,
            case_type.code,
            day,
            False,
            reasons=(ReasonEntry(code),),
            requirements=requirements,
        )

    if facts is None:
        return refuse(Reason.UNKNOWN_EMPLOYEE)
    if not facts.active_on(day):
        return refuse(Reason.INACTIVE)
    spell = facts.role_on(day)
    if spell is None or spell.role not in case_type.roles:
        return refuse(Reason.ROLE_NOT_PERMITTED)

    gating = tuple(
        requirement_status(rule, facts, spell.started_on, catalogue, day, warning_days, courses)
        for rule, courses in catalogue.applicable(spell.role, day)
        if rule.code in case_type.gated_by
    )
    overdue = tuple(
        ReasonEntry(Reason.OVERDUE, s.code, s.due_date) for s in gating if s.status == Status.OVERDUE
    )
    if overdue:
        return Eligibility(employee_number, case_type.code, day, False, reasons=overdue, requirements=gating)

    reasons = []
    for s in gating:
        # Induction: the policy lets new starters work cases while they train, under supervision.
        if s.status == Status.PENDING or (s.status == Status.DUE_SOON and s.valid_until is None):
            reasons.append(ReasonEntry(Reason.IN_INDUCTION, s.code, s.due_date))
        elif s.status == Status.EXEMPT:
            reasons.append(ReasonEntry(Reason.EXEMPT, s.code, None))
    dues = [s.due_date for s in gating if s.due_date is not None]
    return Eligibility(
        employee_number,
        case_type.code,
        day,
        True,
        supervision_required=any(r.code == Reason.IN_INDUCTION for r in reasons),
        eligible_until=min(dues) if dues else None,
        reasons=tuple(reasons),
        requirements=gating,
    )
