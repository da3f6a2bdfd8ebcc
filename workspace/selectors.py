"""Reads for the HR workspace: previews through the one engine, and the requests lists."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from compliance import engine
from compliance.enums import WaiverKind
from compliance.selectors import catalogue_load, colleague_facts, warning_days
from people.models import Colleague
from training.models import TrainingRecord

from . import rules
from .enums import RequestKind, RequestStatus
from .models import Request

# An equivalence may change many colleagues' standing: the preview names the first few.
PREVIEW_NAMES = 10


def facts_of(colleague: Colleague) -> engine.ColleagueFacts:
    return colleague_facts(Colleague.objects.filter(pk=colleague.pk))[colleague.pk]


def completion_preview(colleague: Colleague, course: str, completed_on: dt.date, day: dt.date) -> list[str]:
    catalogue, facts = catalogue_load(), facts_of(colleague)
    after = rules.with_completion(facts, course, completed_on)
    return rules.changes(facts, catalogue, after, catalogue, day, warning_days())


def waiver_facts(
    *,
    requirement: str,
    kind: str,
    day: dt.date,
    new_due_date=None,
    original_due_date=None,
    starts_on=None,
    ends_on=None,
) -> engine.WaiverFacts:
    return engine.WaiverFacts(
        requirement=requirement,
        kind=kind,
        approved_on=day,
        new_due_date=new_due_date if kind == WaiverKind.EXTENSION else None,
        original_due_date=original_due_date if kind == WaiverKind.EXTENSION else None,
        starts_on=starts_on if kind == WaiverKind.EXEMPTION else None,
        ends_on=ends_on if kind == WaiverKind.EXEMPTION else None,
    )


def due_date_of(colleague: Colleague, requirement: str, day: dt.date) -> dt.date | None:
    return rules.current_due(facts_of(colleague), catalogue_load(), requirement, day, warning_days())


def waiver_preview(colleague: Colleague, waiver: engine.WaiverFacts, day: dt.date) -> list[str]:
    catalogue, facts = catalogue_load(), facts_of(colleague)
    after = rules.with_waiver(facts, waiver)
    return rules.changes(facts, catalogue, after, catalogue, day, warning_days())


def equivalence_preview(course: str, satisfies: str, day: dt.date) -> list[str]:
    """What recording "holding `course` counts as `satisfies`" changes, for those who hold `course`."""
    catalogue = catalogue_load()
    after = rules.with_equivalence(catalogue, course, satisfies, day)
    holders = Colleague.objects.filter(
        pk__in=TrainingRecord.objects.filter(course__code=course, verified=True).values("colleague_id")
    )
    window = warning_days()
    changed = []
    for facts in colleague_facts(holders).values():
        if not facts.active_on(day):
            continue
        lines = [
            line
            for line in rules.changes(facts, catalogue, facts, after, day, window)
            if not line.endswith("no change.")
        ]
        changed.extend(lines)
    if not changed:
        return [f"Nobody's standing changes today: no active colleague holds {course} where it would count."]
    shown = sorted(changed)[:PREVIEW_NAMES]
    if len(changed) > PREVIEW_NAMES:
        shown.append(f"… and {len(changed) - PREVIEW_NAMES} more.")
    return shown


def request_preview(request: Request, day: dt.date) -> list[str]:
    """What approving the request would change today (nothing, once decided)."""
    if request.status != RequestStatus.PENDING:
        return []
    if request.kind == RequestKind.TRAINING:
        return completion_preview(request.colleague, request.course.code, request.record.completed_on, day)
    if request.kind == RequestKind.EQUIVALENCE:
        if request.course is None:
            return [
                f"{request.new_course_code} is added to the courses; nobody holds it yet: no change today."
            ]
        return equivalence_preview(request.course.code, request.satisfies.code, day)
    waiver = waiver_facts(
        requirement=request.requirement.code,
        kind=request.kind,
        day=day,
        new_due_date=request.new_due_date,
        original_due_date=request.original_due_date,
        starts_on=request.starts_on,
        ends_on=request.ends_on,
    )
    return waiver_preview(request.colleague, waiver, day)


def requests_pending() -> QuerySet[Request]:
    """Every request awaiting a decision, oldest first, with what a list shows (1 query)."""
    return (
        Request.objects.filter(status=RequestStatus.PENDING)
        .select_related("colleague", "requirement", "course", "satisfies", "requested_by")
        .order_by("requested_at", "pk")
    )


def requests_visible(user, colleagues: QuerySet[Colleague], everyone: bool) -> QuerySet[Request]:
    """Requests a user may open: all for those who see everyone, else their own and their colleagues'."""
    found = Request.objects.select_related(
        "colleague", "requirement", "course", "satisfies", "requested_by", "decided_by"
    )
    if everyone:
        return found
    from django.db.models import Q

    return found.filter(Q(requested_by=user) | Q(colleague__in=colleagues))
