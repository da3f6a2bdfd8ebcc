"""Everything the colleague page shows, as of a date, from the engine and the records' history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from compliance import engine
from compliance.enums import Reason, WaiverKind
from compliance.models import CaseType, Waiver
from compliance.selectors import catalogue_load, colleague_facts, warning_days
from core.dates import uk_date
from people.models import Colleague, Role, RoleAssignment, Team
from training.models import Course, TrainingRecord

from .evaluate import HORIZONS, Forecast, forecasts_for
from .matrix import Cell, cell_for


@dataclass(frozen=True)
class RequirementLine:
    code: str
    name: str
    status: engine.RequirementStatus
    cell: Cell
    satisfied_by: str  # "BTEC2-CSC Community Safety Casework, 1 Jun 2024" or ""
    waiver: str


@dataclass(frozen=True)
class EligibilityLine:
    case_type: str
    name: str
    answer: engine.Eligibility
    reasons: list[str]
    forecast: Forecast | None


@dataclass(frozen=True)
class Change:
    when: dt.datetime
    who: str
    what: str
    kind: str  # "Added", "Changed", "Deleted"
    fields: list[tuple[str, str, str]]  # (field, before, after)


@dataclass(frozen=True)
class ColleagueRecord:
    colleague: Colleague
    day: dt.date
    active: bool
    role: str | None
    role_started_on: dt.date | None
    requirements: list[RequirementLine]
    eligibility: list[EligibilityLine]
    roles: list[RoleAssignment]
    training: list[TrainingRecord]
    waivers: list[Waiver]
    changes: list[Change]
    horizons: tuple[int, ...] = HORIZONS


NOTHING = "\N{EN DASH}"  # what a table shows for "no value"

REASON_TEXT = {
    Reason.UNKNOWN_EMPLOYEE: "not a known colleague",
    Reason.INACTIVE: "not employed on this date",
    Reason.ROLE_NOT_PERMITTED: "the role does not take these cases",
    Reason.OVERDUE: "overdue",
    Reason.IN_INDUCTION: "still training as part of induction: supervision required",
    Reason.EXEMPT: "exempt",
}


def _reason_text(reason: engine.ReasonEntry, names: dict[str, str]) -> str:
    text = REASON_TEXT.get(reason.code, reason.code)
    if reason.requirement:
        # The requirement in words, its code as the hint (as in every list).
        name = names.get(reason.requirement)
        text = f"{name} ({reason.requirement}): {text}" if name else f"{reason.requirement}: {text}"
    if reason.due_date:
        text += f" (due {uk_date(reason.due_date)})"
    return text


def _fmt(value) -> str:
    if value is None or value == "":
        return NOTHING
    if isinstance(value, dt.date):
        return uk_date(value)
    return str(value)


def colleague_record(
    colleague: Colleague, day: dt.date, catalogue: engine.Catalogue | None = None
) -> ColleagueRecord:
    """The colleague's standing on `day` and their full record (about 20 queries, however long it is).

    A page that reads the catalogue itself (/me/) passes it in rather than load it twice.
    """
    catalogue = catalogue or catalogue_load()
    window = warning_days()
    facts = colleague_facts(Colleague.objects.filter(pk=colleague.pk))[colleague.pk]
    courses = dict(Course.objects.values_list("code", "title"))
    spell = facts.role_on(day)
    role = spell.role if spell and facts.active_on(day) else None

    waivers = list(
        Waiver.objects.filter(colleague=colleague).select_related("requirement").order_by("approved_on")
    )
    requirements = []
    names = {r.code: r.name for r in catalogue.requirements}
    for s in engine.colleague_statuses(facts, catalogue, day, window):
        satisfied = ""
        if s.satisfied_by is not None:
            course, completed_on = s.satisfied_by
            satisfied = f"{course} {courses.get(course, '')}, {_fmt(completed_on)}"
        waiver = ""
        if s.waiver is not None:
            w = s.waiver
            waiver = (
                f"Extension to {_fmt(w.new_due_date)}"
                if w.kind == WaiverKind.EXTENSION
                else f"Exempt from {_fmt(w.starts_on)}" + (f" to {_fmt(w.ends_on)}" if w.ends_on else "")
            )
        requirements.append(
            RequirementLine(s.code, names.get(s.code, s.code), s, cell_for(s), satisfied, waiver)
        )

    case_names = dict(CaseType.objects.values_list("code", "name"))
    forecasts = {f.case_type: f for f in forecasts_for(facts, role, catalogue, day, window)}
    eligibility = []
    for rule in catalogue.case_types:
        answer = engine.eligibility(facts, facts.employee_number, rule, catalogue, day, window)
        eligibility.append(
            EligibilityLine(
                rule.code,
                case_names.get(rule.code, rule.code),
                answer,
                [_reason_text(r, names) for r in answer.reasons],
                forecasts.get(rule.code),
            )
        )

    roles = list(
        RoleAssignment.objects.filter(colleague=colleague).select_related("role").order_by("started_on")
    )
    training = list(
        TrainingRecord.objects.filter(colleague=colleague)
        .select_related("course", "recorded_by")
        .prefetch_related("evidence")
        .order_by("-completed_on", "course__code")
    )
    return ColleagueRecord(
        colleague=colleague,
        day=day,
        active=facts.active_on(day),
        role=role,
        role_started_on=spell.started_on if role else None,
        requirements=requirements,
        eligibility=eligibility,
        roles=roles,
        training=training,
        waivers=waivers,
        changes=change_history(colleague, {r.requirement_id: r.code for r in catalogue.requirements}),
    )


# Fields no reader needs in a change list.
_QUIET = {"id", "created_at", "colleague", "recorded_by", "user"}


def change_history(colleague: Colleague, requirement_codes: dict[int, str]) -> list[Change]:
    """Who changed what in the colleague's record, roles, training and waivers, newest first (8 queries)."""
    sources = (
        (Colleague.history.filter(id=colleague.pk), Colleague, lambda h: "Colleague record"),
        (
            RoleAssignment.history.filter(colleague_id=colleague.pk),
            RoleAssignment,
            lambda h: f"Role from {_fmt(h.started_on)}",
        ),
        (
            TrainingRecord.history.filter(colleague_id=colleague.pk),
            TrainingRecord,
            lambda h: f"Training completed {_fmt(h.completed_on)}",
        ),
        (Waiver.history.filter(colleague_id=colleague.pk), Waiver, lambda h: "Waiver"),
    )
    loaded = [
        (
            list(qs.select_related("history_user").order_by("id", "history_date", "history_id")),
            model,
            describe,
        )
        for qs, model, describe in sources
    ]
    labels = {
        "team": dict(Team.objects.values_list("id", "name")),
        "role": dict(Role.objects.values_list("id", "code")),
        "course": dict(Course.objects.values_list("id", "code")),
        "requirement": requirement_codes,
    }
    manager_ids = {h.line_manager_id for h in loaded[0][0] if h.line_manager_id}
    labels["line_manager"] = {
        pk: f"{first} {last}"
        for pk, first, last in Colleague.objects.filter(pk__in=manager_ids).values_list(
            "pk", "first_name", "last_name"
        )
    }

    changes = []
    for rows, model, describe in loaded:
        fields = [f for f in model._meta.concrete_fields if f.name not in _QUIET]
        previous: dict[int, object] = {}
        by_object = defaultdict(list)
        for h in rows:
            by_object[h.id].append(h)
        for versions in by_object.values():
            for h in versions:
                before = previous.get(h.id)
                diffs = []
                for f in fields:
                    new = _label(labels, f, getattr(h, f.attname))
                    old = _label(labels, f, getattr(before, f.attname)) if before is not None else None
                    if (h.history_type == "+" and new != NOTHING) or (h.history_type == "~" and old != new):
                        diffs.append(
                            (f.verbose_name.capitalize(), old if before is not None else NOTHING, new)
                        )
                previous[h.id] = h
                if h.history_type == "~" and not diffs:
                    continue
                user = h.history_user
                changes.append(
                    Change(
                        when=h.history_date,
                        who=(user.get_full_name() or user.username) if user else "System or bulk import",
                        what=describe(h),
                        kind={"+": "Added", "~": "Changed", "-": "Deleted"}[h.history_type],
                        fields=[] if h.history_type == "-" else diffs,
                    )
                )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes


def _label(labels: dict, field, value) -> str:
    if field.name in labels and value is not None:
        return labels[field.name].get(value, f"#{value}")
    if field.choices and value is not None:
        return str(dict(field.flatchoices).get(value, value))
    return _fmt(value)
