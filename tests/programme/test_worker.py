"""Booking emails go out from a real Celery worker once the booking is committed."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from programme.enums import MessageKind
from programme.models import BookingMessage
from programme.services import booking_cancel, booking_create
from tests.factories import ColleagueFactory

from .helpers import D, session_on


def wait_for(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
def test_invitation_and_cancellation_are_sent_by_the_worker(celery_worker, reference):
    session = session_on(timezone.now() + dt.timedelta(days=7))
    booking = booking_create(
        session=session, colleague=ColleagueFactory(role="NHO", start_date=D("2020-01-01"))
    )

    assert wait_for(
        lambda: BookingMessage.objects.filter(booking=booking, kind=MessageKind.INVITATION).exists()
    )
    booking_cancel(booking=booking)
    assert wait_for(
        lambda: BookingMessage.objects.filter(booking=booking, kind=MessageKind.CANCELLATION).exists()
    )
    assert list(BookingMessage.objects.filter(booking=booking).values_list("kind", "sequence")) == [
        ("invitation", 0),
        ("cancellation", 1),
    ]
