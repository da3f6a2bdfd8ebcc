"""The emails about bookings. Each is claimed once (booking, kind, sequence) before it is sent.

A task may run late: by then the booking may have moved on (cancelled, or the
session changed again). A message that no longer describes the booking is
skipped; the newer change has its own message on the way.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse

from core.claims import claim_once
from core.mail import send_templated_mail

from .calendar import CANCEL, REQUEST, calendar_attachment
from .enums import BookingStatus, MessageKind
from .models import Booking, BookingMessage

log = logging.getLogger(__name__)


def _booking(booking_id: int) -> Booking | None:
    return (
        Booking.objects.select_related(
            "session__course", "colleague__line_manager", "colleague__team__manager"
        )
        .filter(pk=booking_id)
        .first()
    )


def _send_once(
    booking: Booking, kind: str, sequence: int, *, to: str, template: str, context: dict, attachments=()
):
    if not to:
        log.warning("No email address for %s: %s not sent", booking, kind)
        return False
    # Claim and send in one transaction, committed after the send (core.claims): a failed
    # send, or a killed worker, leaves no claim, so the task's retry sends it.
    with transaction.atomic():
        if claim_once(BookingMessage, booking=booking, kind=kind, sequence=sequence) is None:
            return False
        send_templated_mail(
            to=[to],
            template=f"programme/email/{template}",
            context={
                "booking": booking,
                "session": booking.session,
                "colleague": booking.colleague,
                **context,
            },
            attachments=attachments,
        )
    return True


def booking_invitation_send(*, booking_id: int, sequence: int) -> bool:
    booking = _booking(booking_id)
    if booking is None or booking.status != BookingStatus.BOOKED or booking.sequence != sequence:
        return False
    return _send_once(
        booking,
        MessageKind.INVITATION,
        sequence,
        to=booking.colleague.email,
        template="invitation",
        context={
            "is_update": BookingMessage.objects.filter(booking=booking, kind=MessageKind.INVITATION).exists()
        },
        attachments=[(calendar_attachment(booking, REQUEST),)],
    )


def booking_cancellation_send(*, booking_id: int, sequence: int) -> bool:
    booking = _booking(booking_id)
    if booking is None or booking.status != BookingStatus.CANCELLED or booking.sequence != sequence:
        return False
    # Only an event that reached the colleague's calendar needs removing from it.
    invited = BookingMessage.objects.filter(booking=booking, kind=MessageKind.INVITATION).exists()
    return _send_once(
        booking,
        MessageKind.CANCELLATION,
        sequence,
        to=booking.colleague.email,
        template="cancellation",
        context={"invited": invited},
        attachments=[(calendar_attachment(booking, CANCEL),)] if invited else [],
    )


def booking_waitlisted_send(*, booking_id: int) -> bool:
    booking = _booking(booking_id)
    if booking is None or booking.status != BookingStatus.WAITLISTED:
        return False
    return _send_once(
        booking, MessageKind.WAITLISTED, 0, to=booking.colleague.email, template="waitlisted", context={}
    )


def manager_of(colleague):
    """The line manager, or else the manager of the colleague's team (never the colleague themself)."""
    if colleague.line_manager_id:
        return colleague.line_manager
    team_manager = colleague.team.manager if colleague.team_id else None
    if team_manager is not None and team_manager.pk != colleague.pk:
        return team_manager
    return None


def booking_no_show_report(*, booking_id: int) -> bool:
    booking = _booking(booking_id)
    if booking is None or booking.status != BookingStatus.NO_SHOW:
        return False
    manager = manager_of(booking.colleague)
    return _send_once(
        booking,
        MessageKind.NO_SHOW,
        0,
        to=manager.email if manager else "",
        template="no_show",
        context={
            "manager": manager,
            "session_path": reverse("programme:session_detail", args=[booking.session_id]),
        },
    )
