"""What is already in hand for each row of a list: a booking, a nudge today.

A booking is not a compliance record, so the summary behind the lists knows
nothing of it: this reads the bookings (and today's nudges) directly, for the
rows of one page at once, in three queries whatever the page's length (none
for an empty page). A row is a colleague and a requirement; a booking counts
for it when its session is still to come, is not cancelled, and is of a
course that satisfies that requirement directly (`Requirement.courses`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format

from compliance.models import Requirement
from programme.enums import BookingStatus, SessionStatus
from programme.models import Booking
from reminders.models import Nudge


@dataclass(frozen=True)
class InHand:
    booked_on: dt.date | None = None  # the first upcoming session the colleague holds a place on
    waiting_for: dt.date | None = None  # else the first one they are on the waiting list for
    nudged_today: bool = False

    def notes(self) -> list[str]:
        """Short words for the row: "booked 12 Jan", "waiting list 12 Jan", "nudged today"."""
        notes = []
        if self.booked_on:
            notes.append(f"booked {date_format(self.booked_on, 'j M')}")
        elif self.waiting_for:
            notes.append(f"waiting list {date_format(self.waiting_for, 'j M')}")
        if self.nudged_today:
            notes.append("nudged today")
        return notes


NOTHING = InHand()


def in_hand(pairs: Iterable[tuple[int, str]], *, today: dt.date) -> dict[tuple[int, str], InHand]:
    """(colleague id, requirement code) -> what is in hand; pairs with nothing are left out (3 queries)."""
    pairs = set(pairs)
    if not pairs:
        return {}
    colleague_ids = {c for c, _ in pairs}
    codes = {code for _, code in pairs}
    # 1: which courses satisfy each requirement on the page.
    satisfies = defaultdict(set)  # course id -> requirement codes
    requirement_ids = {}
    for code, requirement_id, course_id in Requirement.courses.through.objects.filter(
        requirement__code__in=codes
    ).values_list("requirement__code", "requirement_id", "course_id"):
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
    found = {}
    for pair in pairs:
        if pair in booked or pair in waiting or pair in nudged:
            found[pair] = InHand(
                booked_on=booked.get(pair), waiting_for=waiting.get(pair), nudged_today=pair in nudged
            )
    return found


ACTIONABLE = frozenset({"overdue", "due_soon", "pending"})


def matrix_hands(matrix, today: dt.date) -> list[tuple[object, list[tuple[object, str, list[str]]]]]:
    """Each matrix row with its cells, each cell's pick value (empty: nothing to act on) and notes.

    3 queries for the page (`in_hand`), none a row.
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
