"""Writes for sessions and bookings. Emails go out from Celery tasks once the transaction commits.

Every change to a session's places locks the session row first
(SELECT ... FOR UPDATE), so two bookings at the same instant are served one
after the other and the second sees the first: capacity is never exceeded.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Colleague
from training.models import Course, RecordSource, TrainingRecord

from . import tasks
from .calendar import booking_uid_new
from .enums import BookingStatus, RepeatPattern, SessionStatus
from .models import Booking, Session
from .rules import programme_dates

MAX_SESSIONS_PER_PLAN = 36
# Moving any of these changes the calendar event, so booked colleagues get an update.
CALENDAR_FIELDS = ("starts_at", "ends_at", "venue", "online_link")
EDITABLE_FIELDS = (*CALENDAR_FIELDS, "facilitator", "capacity", "provider", "notes")


def _enqueue(task, *args) -> None:
    transaction.on_commit(lambda: task.delay(*args))


def _lock(session: Session) -> Session:
    # of=self: lock the session row only, not the course row the join reads (other sessions share it).
    return Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)


def _places_taken(session: Session) -> int:
    return session.bookings.filter(status__in=BookingStatus.holding_place()).count()


def session_create(
    *,
    course: Course,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    venue: str = "",
    online_link: str = "",
    facilitator: str = "",
    provider: str = "",
    notes: str = "",
    by=None,
    series: uuid.UUID | None = None,
) -> Session:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("session times must be timezone-aware")
    session = Session(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        venue=venue,
        online_link=online_link,
        facilitator=facilitator,
        provider=provider or course.provider,
        notes=notes,
        created_by=by,
        series=series,
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_programme_plan(
    *,
    course: Course,
    first_date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    capacity: int,
    pattern: str = RepeatPattern.SAME_WEEKDAY,
    every_months: int = 1,
    count: int = 12,
    venue: str = "",
    online_link: str = "",
    facilitator: str = "",
    provider: str = "",
    notes: str = "",
    by=None,
) -> list[Session]:
    """Plan a rolling programme in one step: `count` sessions, one every `every_months` months.

    Times are local (Europe/London): a 10:00 session stays at 10:00 through
    the change to and from British Summer Time. All or nothing: a problem with
    one date plans none.
    """
    errors = {}
    if first_date < timezone.localdate():
        errors["first_date"] = "The first session cannot be in the past."
    if end_time <= start_time:
        errors["end_time"] = "The session must end after it starts."
    if not 1 <= count <= MAX_SESSIONS_PER_PLAN:
        errors["count"] = f"Plan between 1 and {MAX_SESSIONS_PER_PLAN} sessions at a time."
    if not 1 <= every_months <= 12:
        errors["every_months"] = "Repeat every 1 to 12 months."
    if errors:
        raise ValidationError(errors)
    zone = ZoneInfo(settings.TIME_ZONE)
    days = programme_dates(first_date, pattern=pattern, every_months=every_months, count=count)
    series = uuid.uuid4() if len(days) > 1 else None
    return [
        session_create(
            course=course,
            starts_at=dt.datetime.combine(day, start_time, tzinfo=zone),
            ends_at=dt.datetime.combine(day, end_time, tzinfo=zone),
            capacity=capacity,
            venue=venue,
            online_link=online_link,
            facilitator=facilitator,
            provider=provider,
            notes=notes,
            by=by,
            series=series,
        )
        for day in days
    ]


@transaction.atomic
def session_update(*, session: Session, by=None, **changes) -> Session:
    """Change a session's time, place, facilitator or capacity.

    Booked colleagues get an updated invitation (same UID, SEQUENCE bumped)
    when the time or place moves; more places promote the waiting list; fewer
    places than are already taken is refused.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")
    locked = _lock(session)
    if locked.status == SessionStatus.CANCELLED:
        raise ValidationError("This session has been cancelled.")
    changed = {name for name, value in changes.items() if getattr(locked, name) != value}
    if not changed:
        return locked
    if "capacity" in changed:
        taken = _places_taken(locked)
        if changes["capacity"] < taken:
            raise ValidationError(
                {"capacity": f"{taken} places are already taken: cancel bookings before reducing places."}
            )
    for name in changed:
        setattr(locked, name, changes[name])
    locked.full_clean()
    locked.save()
    if changed & set(CALENDAR_FIELDS):
        for booking in locked.bookings.filter(status=BookingStatus.BOOKED):
            booking.sequence += 1
            booking.save(update_fields=["sequence", "updated_at"])
            _enqueue(tasks.booking_invitation_send, booking.pk, booking.sequence)
    if "capacity" in changed:
        _promote_waiting(locked)
    return locked


@transaction.atomic
def session_cancel(*, session: Session, by=None) -> Session:
    """Cancel a session that has not started; every live booking is cancelled and told."""
    locked = _lock(session)
    if locked.status == SessionStatus.CANCELLED:
        return locked
    if locked.starts_at <= timezone.now():
        raise ValidationError("This session has already started: mark attendance instead.")
    locked.status = SessionStatus.CANCELLED
    locked.save(update_fields=["status"])
    for booking in locked.bookings.filter(status__in=[BookingStatus.BOOKED, BookingStatus.WAITLISTED]):
        _cancel(booking)
    return locked


def _cancel(booking: Booking) -> None:
    booking.status = BookingStatus.CANCELLED
    booking.sequence += 1
    booking.save(update_fields=["status", "sequence", "updated_at"])
    _enqueue(tasks.booking_cancellation_send, booking.pk, booking.sequence)


def _promote_waiting(session: Session) -> list[Booking]:
    """Give free places to the waiting list, first come first served. The caller holds the lock."""
    free = session.capacity - _places_taken(session)
    if free <= 0 or session.starts_at <= timezone.now():
        return []
    promoted = list(
        session.bookings.filter(status=BookingStatus.WAITLISTED).order_by("created_at", "pk")[:free]
    )
    for booking in promoted:
        booking.status = BookingStatus.BOOKED
        booking.save(update_fields=["status", "updated_at"])
        _enqueue(tasks.booking_invitation_send, booking.pk, booking.sequence)
    return promoted


@transaction.atomic
def bookings_create(*, session: Session, colleagues: Sequence[Colleague], by=None) -> list[Booking]:
    """Book each colleague a place, in order, and put the rest on the waiting list once it is full.

    A colleague already on this session's list is left as they are. Nobody is
    booked onto a cancelled session or one that has started.
    """
    locked = _lock(session)
    if locked.status == SessionStatus.CANCELLED:
        raise ValidationError("This session has been cancelled.")
    if locked.starts_at <= timezone.now():
        raise ValidationError("This session has already started.")
    already = set(
        Booking.objects.filter(
            session=locked, colleague__in=[c.pk for c in colleagues], status__in=BookingStatus.live()
        ).values_list("colleague_id", flat=True)
    )
    taken = _places_taken(locked)
    created = []
    for colleague in colleagues:
        if colleague.pk in already:
            continue
        already.add(colleague.pk)
        status = BookingStatus.BOOKED if taken < locked.capacity else BookingStatus.WAITLISTED
        taken += status == BookingStatus.BOOKED
        booking = Booking.objects.create(
            session=locked, colleague=colleague, status=status, uid=booking_uid_new(), booked_by=by
        )
        if status == BookingStatus.BOOKED:
            _enqueue(tasks.booking_invitation_send, booking.pk, booking.sequence)
        else:
            _enqueue(tasks.booking_waitlisted_send, booking.pk)
        created.append(booking)
    return created


def booking_create(*, session: Session, colleague: Colleague, by=None) -> Booking | None:
    created = bookings_create(session=session, colleagues=[colleague], by=by)
    return created[0] if created else None


@transaction.atomic
def booking_cancel(*, booking: Booking, by=None) -> Booking:
    """Cancel a place or a waiting-list entry before the session; a freed place goes to the waiting list."""
    locked = _lock(booking.session)
    booking = Booking.objects.get(pk=booking.pk)
    if booking.status not in (BookingStatus.BOOKED, BookingStatus.WAITLISTED):
        raise ValidationError(f"This booking is already {booking.get_status_display().lower()}.")
    if locked.starts_at <= timezone.now():
        raise ValidationError("The session has started: mark the colleague as not attending instead.")
    held_place = booking.status == BookingStatus.BOOKED
    _cancel(booking)
    if held_place:
        _promote_waiting(locked)
    return booking


@transaction.atomic
def booking_attendance_mark(*, booking: Booking, attended: bool, by=None) -> Booking:
    """Record whether the colleague came; correcting a mark is allowed.

    Attendance creates the training record (source: session) at once, so the
    compliance pages, eligibility and the API count it from the session's date;
    a no-show is reported to the colleague's manager.
    """
    session = _lock(booking.session)
    booking = Booking.objects.select_related("training_record").get(pk=booking.pk)
    if session.starts_at > timezone.now():
        raise ValidationError("Attendance can be marked once the session has started.")
    if booking.status not in BookingStatus.markable():
        why = (
            "is on the waiting list"
            if booking.status == BookingStatus.WAITLISTED
            else "cancelled their place"
        )
        raise ValidationError(f"Only a booked place can be marked; this colleague {why}.")
    if attended:
        if booking.status == BookingStatus.ATTENDED:
            return booking
        local_start = timezone.localtime(session.starts_at)
        record, _ = TrainingRecord.objects.get_or_create(
            colleague_id=booking.colleague_id,
            course_id=session.course_id,
            completed_on=local_start.date(),
            defaults={
                "provider": session.provider,
                "source": RecordSource.SESSION,
                "recorded_by": by,
                "notes": f"Attended the session of {local_start:%d %b %Y %H:%M}.",
            },
        )
        booking.status = BookingStatus.ATTENDED
        booking.training_record = record
        booking.save(update_fields=["status", "training_record", "updated_at"])
        return booking

    if booking.status == BookingStatus.NO_SHOW:
        return booking
    record = booking.training_record
    booking.status = BookingStatus.NO_SHOW
    booking.training_record = None
    booking.save(update_fields=["status", "training_record", "updated_at"])
    # A correction: the completion this booking recorded goes; one imported or keyed by hand stays.
    if record is not None and record.source == RecordSource.SESSION:
        record.delete()
    _enqueue(tasks.booking_no_show_report, booking.pk)
    return booking
