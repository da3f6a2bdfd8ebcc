"""A colleague books or cancels their own place, through programme.services like HR and managers do.

The refusals peculiar to booking oneself are checked here, before anything is
written: already on the session's list (a place or the waiting list), or a
course that satisfies none of the requirements of one's role. The rest
(a cancelled session, one that has started, a full one that puts the colleague
on the waiting list) is programme.services' own, so every way of booking
behaves alike.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from compliance import engine
from compliance.selectors import catalogue_load, colleague_facts, warning_days
from people.models import Colleague
from programme import services as programme_services
from programme.enums import BookingStatus
from programme.models import Booking, Session
from programme.selectors import needs_met_by


def _requirements_met_by(colleague: Colleague, session: Session) -> list[str]:
    """My role's requirements today that a completion of the session's course would count towards."""
    today = timezone.localdate()
    catalogue = catalogue_load()
    facts = colleague_facts(Colleague.objects.filter(pk=colleague.pk))[colleague.pk]
    mine = {s.code for s in engine.colleague_statuses(facts, catalogue, today, warning_days())}
    return [
        r.code for r in needs_met_by(session.course.code, catalogue, session.local_date) if r.code in mine
    ]


@transaction.atomic
def own_booking_create(*, colleague: Colleague, session: Session, by) -> Booking:
    """Book `colleague` (the signed-in person's own record) a place, or the waiting list when it is full."""
    session = Session.objects.select_related("course").get(pk=session.pk)
    already = (
        Booking.objects.filter(session=session, colleague=colleague, status__in=BookingStatus.live())
        .values_list("status", flat=True)
        .first()
    )
    if already == BookingStatus.WAITLISTED:
        raise ValidationError("You are already on this session's waiting list.")
    if already is not None:
        raise ValidationError(
            f"You are already on this session's list ({BookingStatus(already).label.lower()})."
        )
    if not _requirements_met_by(colleague, session):
        raise ValidationError(
            f"{session.course.title} ({session.course.code}) does not count towards any training your role requires:"
            " choose a session of a course listed under your requirements."
        )
    # Cancelled, started or past sessions are refused by the one booking service, under its lock.
    created = programme_services.bookings_create(session=session, colleagues=[colleague], by=by)
    if not created:
        # A second tab booked between the check above and the session's lock: it is one place.
        raise ValidationError("You are already on this session's list.")
    return created[0]


def own_booking_cancel(*, colleague: Colleague, booking: Booking, by) -> Booking:
    """Cancel my own place or waiting-list entry; the freed place goes to the waiting list."""
    if booking.colleague_id != colleague.pk:
        # The views find bookings through the colleague, so this is a programming error, not a user's.
        raise ValidationError("This booking is not yours.")
    return programme_services.booking_cancel(booking=booking, by=by)
