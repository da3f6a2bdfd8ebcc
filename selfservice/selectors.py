"""What /me/ shows: the colleague page's record, and next to each requirement what can be done about it.

The standing itself comes from dashboard.selectors.colleague.colleague_record
(the one engine, as on the colleague page); this module adds, in a fixed
number of queries whatever the number of records, bookings or requests:

- the courses that satisfy each requirement (equivalences included) and the
  next sessions of those courses that are still open for booking;
- what is already in hand: my upcoming bookings and my requests, and for each
  requirement the same words the managers' lists use
  (dashboard.selectors.in_hand: "booked 12 Jan", "extension requested").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from compliance.enums import Status
from compliance.selectors import catalogue_load
from dashboard.selectors.colleague import ColleagueRecord, RequirementLine, colleague_record
from dashboard.selectors.in_hand import NOTHING, in_hand
from people.models import Colleague
from programme.enums import BookingStatus, SessionStatus
from programme.models import Booking, Session
from programme.selectors import sessions_with_places
from training.models import Course
from workspace.enums import RequestStatus
from workspace.models import Request

# The next few sessions under each requirement; the programme page lists the rest.
SESSIONS_PER_REQUIREMENT = 3
# Requests shown: every pending one, and the latest decided ones.
REQUESTS_SHOWN = 20
# An extension asks for a later due date: only a requirement that has one and is not met yet.
EXTENDABLE = frozenset({Status.OVERDUE, Status.DUE_SOON, Status.PENDING})


@dataclass(frozen=True)
class SessionOffer:
    session: Session  # annotated with places_taken and waiting (programme.selectors)
    mine: Booking | None  # my live booking on it, if any

    @property
    def full(self) -> bool:
        return self.session.places_taken >= self.session.capacity

    @property
    def free(self) -> int:
        return max(self.session.capacity - self.session.places_taken, 0)


@dataclass(frozen=True)
class MyRequirement:
    line: RequirementLine
    courses: list[Course]  # what satisfies it, the requirement's own courses first
    sessions: list[SessionOffer]
    in_hand: list[str] = field(default_factory=list)  # dashboard.selectors.in_hand's notes

    @property
    def extendable(self) -> bool:
        return self.line.status.status in EXTENDABLE and self.line.status.due_date is not None

    @property
    def first_course(self) -> Course | None:
        """The course a "submit training" link suggests: the one that met it last, else its first own course."""
        held = self.line.status.satisfied_by
        return next((c for c in self.courses if held and c.code == held[0]), None) or (
            self.courses[0] if self.courses else None
        )


@dataclass(frozen=True)
class MyPage:
    record: ColleagueRecord
    requirements: list[MyRequirement]
    bookings: list[Booking]  # my upcoming places and waiting-list entries
    requests: list[Request]  # newest first: pending ones, then the latest decided


def upcoming_bookings(colleague: Colleague, now: dt.datetime) -> QuerySet[Booking]:
    """My places and waiting-list entries on sessions still to come, soonest first (1 query)."""
    return (
        Booking.objects.filter(
            colleague=colleague,
            status__in=[BookingStatus.BOOKED, BookingStatus.WAITLISTED],
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=now,
        )
        .select_related("session__course")
        .order_by("session__starts_at", "pk")
    )


def my_requests(colleague: Colleague) -> list[Request]:
    """Requests about me, whoever made them: pending first, then the latest decided (1 query)."""
    found = list(
        Request.objects.filter(colleague=colleague)
        .select_related("requirement", "course", "requested_by", "decided_by")
        .order_by("-requested_at", "-pk")[:REQUESTS_SHOWN]
    )
    return sorted(found, key=lambda r: r.status != RequestStatus.PENDING)


def my_page(colleague: Colleague, today: dt.date, now: dt.datetime | None = None) -> MyPage:
    """Everything /me/ shows: colleague_record's queries plus 8, however many records and sessions."""
    now = now or timezone.now()
    catalogue = catalogue_load()
    record = colleague_record(colleague, today, catalogue)
    rules = {r.code: r for r in catalogue.requirements}
    wanted = {
        line.code: sorted(
            catalogue.satisfying_courses(rules[line.code], today),
            # The requirement's own courses first, then equivalents, each by code.
            key=lambda code, own=rules[line.code].courses: (code not in own, code),
        )
        for line in record.requirements
        if line.code in rules
    }
    codes = {code for courses in wanted.values() for code in courses}
    courses = {c.code: c for c in Course.objects.filter(code__in=codes)}
    sessions = list(
        sessions_with_places()
        .filter(course__code__in=codes, status=SessionStatus.SCHEDULED, starts_at__gt=now)
        .order_by("starts_at", "pk")
    )
    bookings = list(upcoming_bookings(colleague, now))
    on_session = {b.session_id: b for b in bookings}
    requests = my_requests(colleague)

    hands = in_hand([(colleague.pk, line.code) for line in record.requirements], today=today)

    requirements = []
    for line in record.requirements:
        accepted = wanted.get(line.code, [])
        offers = [SessionOffer(s, on_session.get(s.pk)) for s in sessions if s.course.code in accepted][
            :SESSIONS_PER_REQUIREMENT
        ]
        requirements.append(
            MyRequirement(
                line=line,
                courses=[courses[c] for c in accepted if c in courses],
                sessions=offers,
                in_hand=hands.get((colleague.pk, line.code), NOTHING).notes(),
            )
        )
    return MyPage(record=record, requirements=requirements, bookings=bookings, requests=requests)
