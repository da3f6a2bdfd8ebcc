"""What is already in hand for each row of a list: a booking, a nudge today, a request waiting for HR.

A booking is not a compliance record, so the summary behind the lists knows
nothing of it: this reads the bookings (and today's nudges) directly, for the
rows of one page at once, in four queries whatever the page's length (none
for an empty page). A row is a colleague and a requirement; a booking counts
for it when its session is still to come, is not cancelled, and is of a
course that satisfies that requirement: one of its own courses
(`Requirement.courses`) or one recorded as equivalent to one of them, as the
engine counts them (`compliance.engine`, docs/rules.md §1).

A fourth query finds HR's pending requests (the `workspace` app, decided by
four eyes): an extension asked for the requirement, and training submitted
on a course that satisfies it whose evidence HR has still to check. Its model
is looked up by label rather than imported, so the dashboard's imports stay
within the floors tests/test_layers.py allows it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.utils import timezone
from django.utils.formats import date_format

from compliance.models import Requirement
from programme.enums import BookingStatus, SessionStatus
from programme.models import Booking
from reminders.models import Nudge
from training.models import Equivalence


@dataclass(frozen=True)
class InHand:
    booked_on: dt.date | None = None  # the first upcoming session the colleague holds a place on
    waiting_for: dt.date | None = None  # else the first one they are on the waiting list for
    nudged_today: bool = False
    extension_requested: bool = False
    evidence_awaiting_check: bool = False

    def notes(self) -> list[str]:
        """Short words for the row: "booked 12 Jan", "waiting list 12 Jan", "nudged today"."""
        notes = []
        if self.booked_on:
            notes.append(f"booked {date_format(self.booked_on, 'j M')}")
        elif self.waiting_for:
            notes.append(f"waiting list {date_format(self.waiting_for, 'j M')}")
        if self.nudged_today:
            notes.append("nudged today")
        if self.extension_requested:
            notes.append("extension requested")
        if self.evidence_awaiting_check:
            notes.append("evidence awaiting check")
        return notes


NOTHING = InHand()


def satisfying_courses(codes, today: dt.date) -> list[tuple[str, int, int]]:
    """(requirement code, requirement id, course id) for each course that counts for each requirement (1 query).

    A requirement's own courses, and the courses equivalent to one of them by
    `today` (not transitive, as in the engine).
    """
    direct = Requirement.courses.through.objects.filter(requirement__code__in=codes).values_list(
        "requirement__code", "requirement_id", "course_id"
    )
    equivalent = Equivalence.objects.filter(
        satisfies__requirements__code__in=codes, approved_on__lte=today
    ).values_list("satisfies__requirements__code", "satisfies__requirements__id", "course_id")
    # No ORDER BY inside the parts (the models' default ordering): SQLite refuses it in a UNION.
    return list(direct.order_by().union(equivalent.order_by()))


def _pending_requests(colleague_ids, requirement_ids: dict, satisfies: dict) -> tuple[set, set]:
    """(colleague id, code) pairs with an extension asked for, and with training awaiting HR's check."""
    request = apps.get_model("workspace", "Request")
    # workspace.enums' RequestKind and RequestStatus values.
    extension, training, pending = "extension", "training", "pending"
    asked, awaiting = set(), set()
    for kind, colleague_id, requirement_id, course_id in request.objects.filter(
        status=pending, kind__in=(extension, training), colleague_id__in=colleague_ids
    ).values_list("kind", "colleague_id", "requirement_id", "course_id"):
        if kind == extension and requirement_id in requirement_ids:
            asked.add((colleague_id, requirement_ids[requirement_id]))
        elif kind == training:
            awaiting |= {(colleague_id, code) for code in satisfies.get(course_id, ())}
    return asked, awaiting


def in_hand(pairs: Iterable[tuple[int, str]], *, today: dt.date) -> dict[tuple[int, str], InHand]:
    """(colleague id, requirement code) -> what is in hand; pairs with nothing are left out.

    4 queries, none for an empty page.
    """
    pairs = set(pairs)
    if not pairs:
        return {}
    colleague_ids = {c for c, _ in pairs}
    codes = {code for _, code in pairs}
    # 1: which courses satisfy each requirement on the page.
    satisfies = defaultdict(set)  # course id -> requirement codes
    requirement_ids = {}
    for code, requirement_id, course_id in satisfying_courses(codes, today):
        satisfies[course_id].add(code)
        requirement_ids[requirement_id] = code
    # 2: the colleagues' places on sessions still to come of those courses, soonest first.
    booked, waiting = {}, {}
    for colleague_id, course_id, starts_at, status in (
        Booking.objects.filter(
            colleague_id__in=colleague_ids,
            status__in=(BookingStatus.BOOKED, BookingStatus.WAITLISTED),
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=timezone.now(),
            session__course_id__in=satisfies,
        )
        .order_by("session__starts_at")
        .values_list("colleague_id", "session__course_id", "session__starts_at", "status")
    ):
        day = timezone.localtime(starts_at).date()
        into = booked if status == BookingStatus.BOOKED else waiting
        for code in satisfies[course_id]:
            into.setdefault((colleague_id, code), day)
    # 3: today's nudges.
    nudged = {
        (colleague_id, requirement_ids[requirement_id])
        for colleague_id, requirement_id in Nudge.objects.filter(
            colleague_id__in=colleague_ids, requirement_id__in=requirement_ids, sent_on=today
        ).values_list("colleague_id", "requirement_id")
    }
    # 4: requests waiting for HR's decision.
    asked, awaiting = _pending_requests(colleague_ids, requirement_ids, satisfies)
    found = {}
    for pair in pairs:
        if pair in booked or pair in waiting or pair in nudged or pair in asked or pair in awaiting:
            found[pair] = InHand(
                booked_on=booked.get(pair),
                waiting_for=waiting.get(pair),
                nudged_today=pair in nudged,
                extension_requested=pair in asked,
                evidence_awaiting_check=pair in awaiting,
            )
    return found


ACTIONABLE = frozenset({"overdue", "due_soon", "pending"})


def matrix_hands(matrix, today: dt.date) -> list[tuple[object, list[tuple[object, str, list[str]]]]]:
    """Each matrix row with its cells, each cell's pick value (empty: nothing to act on) and notes.

    4 queries for the page (`in_hand`), none a row.
    """
    codes = [code for code, _ in matrix.requirements]
    pairs = [
        (row.colleague_id, code)
        for row in matrix.rows
        for code, cell in zip(codes, row.cells, strict=True)
        if cell.status in ACTIONABLE
    ]
    found = in_hand(pairs, today=today)
    return [
        (
            row,
            [
                (
                    cell,
                    f"{row.employee_number}|{code}" if cell.status in ACTIONABLE else "",
                    found.get((row.colleague_id, code), NOTHING).notes(),
                )
                for code, cell in zip(codes, row.cells, strict=True)
            ],
        )
        for row in matrix.rows
    ]
