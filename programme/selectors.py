"""Reads for the programme pages: fixed query counts whatever the number of sessions or people."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from compliance import engine
from compliance.enums import STATUS_SEVERITY, Status
from compliance.selectors import catalogue_load, compliance_on
from core.dates import add_months
from people.models import Colleague

from .enums import BookingStatus, NeedKind, SessionStatus
from .models import Booking, Session
from .rules import Coverage, Due, PlannedSession, coverage_tally

# Statuses that mean "needs this training by the session": met ones (compliant, exempt) do not.
NEEDS = frozenset({Status.OVERDUE, Status.DUE_SOON, Status.PENDING})


def sessions_with_places() -> QuerySet[Session]:
    """Sessions with their course and how many places are taken and waiting (one query)."""
    return Session.objects.select_related("course").annotate(
        places_taken=Count("bookings", filter=Q(bookings__status__in=BookingStatus.holding_place())),
        waiting=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITLISTED)),
    )


def session_list(*, past: bool = False, now: dt.datetime | None = None) -> QuerySet[Session]:
    now = now or timezone.now()
    if past:
        return sessions_with_places().filter(starts_at__lt=now).order_by("-starts_at", "-pk")
    return sessions_with_places().filter(starts_at__gte=now).order_by("starts_at", "pk")


def session_bookings(session: Session, colleagues: QuerySet[Colleague]) -> QuerySet[Booking]:
    """The bookings on `session` of the colleagues the user may see: places, then the waiting list."""
    return (
        Booking.objects.filter(session=session, colleague__in=colleagues)
        .select_related("colleague__team", "training_record")
        .order_by("status", "created_at", "pk")
    )


def needs_met_by(course_code: str, catalogue: engine.Catalogue, day: dt.date) -> list[engine.RequirementRule]:
    """The requirements a completion of `course_code` on `day` counts towards (equivalences included)."""
    return [r for r in catalogue.requirements if course_code in catalogue.satisfying_courses(r, day)]


def need_kind(course_code: str, catalogue: engine.Catalogue, day: dt.date) -> NeedKind | None:
    """A session of a course that earns a qualification counts as a qualification place (it refreshes too)."""
    rules = needs_met_by(course_code, catalogue, day)
    if any(not r.recurring for r in rules):
        return NeedKind.QUALIFICATION
    if rules:
        return NeedKind.REFRESHER
    return None


@dataclass(frozen=True)
class Candidate:
    """A colleague proposed for a session, and the need that puts them on the list."""

    colleague_id: int
    employee_number: str
    name: str
    team: str
    requirement: str
    status: str
    due_date: dt.date | None
    requirement_name: str = ""

    @property
    def status_label(self) -> str:
        return Status(self.status).label


def session_candidates(
    *,
    session: Session,
    colleagues: QuerySet[Colleague],
    limit: int | None = None,
    catalogue: engine.Catalogue | None = None,
) -> list[Candidate]:
    """Who this session should go to: the colleagues whose need it meets falls due soonest.

    Statuses come from the one engine as of the session's date, so someone
    whose refresher becomes due soon by then is proposed too. Left out: anyone
    already on this session's list, anyone booked or waiting on another
    upcoming session that meets the same need, and anyone not active on the
    day. `limit` defaults to the free places. 1 + the compliance selector's
    queries (7 fewer when `catalogue` is given), whatever the number of people.
    """
    catalogue = catalogue or catalogue_load()
    day = session.local_date
    rules = {r.code: r for r in needs_met_by(session.course.code, catalogue, day)}
    if not rules:
        return []
    if limit is None:
        taken = getattr(session, "places_taken", None)
        if taken is None:
            taken = session.bookings.filter(status__in=BookingStatus.holding_place()).count()
        limit = max(session.capacity - taken, 0)
    if limit == 0:
        return []
    on_this = Booking.objects.filter(session=session, status__in=BookingStatus.live()).values("colleague_id")
    pool = colleagues.exclude(pk__in=on_this)

    elsewhere: dict[int, set[str]] = defaultdict(set)
    for colleague_id, code in Booking.objects.filter(
        colleague__in=pool,
        status__in=[BookingStatus.BOOKED, BookingStatus.WAITLISTED],
        session__status=SessionStatus.SCHEDULED,
        session__ends_at__gte=timezone.now(),
    ).values_list("colleague_id", "session__course__code"):
        elsewhere[colleague_id].add(code)

    found = []
    for row in compliance_on(pool, day, catalogue):
        booked_codes = elsewhere.get(row.facts.colleague_id, ())
        needs = [
            s
            for s in row.statuses
            if s.code in rules
            and s.status in NEEDS
            and not any(code in catalogue.satisfying_courses(rules[s.code], day) for code in booked_codes)
        ]
        if not needs:
            continue
        # Soonest first; on the same date the qualification, the larger gap, is the need shown.
        need = min(
            needs,
            key=lambda s: (s.due_date or dt.date.max, -STATUS_SEVERITY[s.status], rules[s.code].recurring),
        )
        found.append(
            Candidate(
                colleague_id=row.facts.colleague_id,
                employee_number=row.facts.employee_number,
                name=row.facts.name,
                team=row.facts.team,
                requirement=need.code,
                status=need.status,
                due_date=need.due_date,
                requirement_name=rules[need.code].name,
            )
        )
    found.sort(
        key=lambda c: (
            c.due_date or dt.date.max,
            -STATUS_SEVERITY[Status(c.status)],
            c.team,
            c.name,
            c.employee_number,
        )
    )
    return found[:limit]


def coverage_for(
    *,
    colleagues: QuerySet[Colleague],
    today: dt.date,
    months: int = 12,
    catalogue: engine.Catalogue | None = None,
) -> Coverage:
    """How many refreshers and qualifications fall due per team and month, against the sessions planned.

    Due dates come from the engine as of today. An exempt requirement, a held
    qualification, and a due date after the colleague's known leaving date
    need no place. Sessions from today to the end of the last month count;
    cancelled ones do not. 1 + the compliance selector's queries.
    """
    catalogue = catalogue or catalogue_load()
    recurring = {r.code: r.recurring for r in catalogue.requirements}
    dues = []
    for row in compliance_on(colleagues, today, catalogue):
        for s in engine.dues_to_meet(row.facts, row.statuses):
            overdue = s.status == Status.OVERDUE
            kind = NeedKind.REFRESHER if recurring[s.code] else NeedKind.QUALIFICATION
            dues.append(Due(row.facts.team or "No team", kind, s.due_date, overdue))

    zone = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(add_months(today.replace(day=1), months), dt.time.min, tzinfo=zone)
    planned = []
    kinds: dict[tuple[str, dt.date], NeedKind | None] = {}
    for starts_at, code, capacity, taken in (
        sessions_with_places()
        .filter(status=SessionStatus.SCHEDULED, starts_at__gte=start, starts_at__lt=end)
        .values_list("starts_at", "course__code", "capacity", "places_taken")
    ):
        day = timezone.localtime(starts_at, zone).date()
        key = (code, day)
        if key not in kinds:
            kinds[key] = need_kind(code, catalogue, day)
        planned.append(PlannedSession(day, kinds[key], capacity, taken))
    return coverage_tally(dues, planned, start=today, months=months)
