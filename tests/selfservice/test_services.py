"""Booking and cancelling one's own place: done through the programme's services, refused with a message.

The organisation is tests/organisation.py's (today 1 June 2026); N1 (Amira
Ahmed, NHO) is the colleague, whose refresher is overdue. Every refusal leaves
the bookings as they were.
"""

import pytest
from django.core.exceptions import ValidationError

from programme import services as programme_services
from programme.enums import BookingStatus
from programme.models import Booking
from selfservice import services
from tests.programme.helpers import at, session_on
from training.models import Course

pytestmark = pytest.mark.django_db


@pytest.fixture
def amira(org):
    return org.people["N1"]


@pytest.fixture
def me(org):
    return org.users["colleague"]


def refused(call) -> str:
    with pytest.raises(ValidationError) as error:
        call()
    return " ".join(error.value.messages)


def test_booking_an_open_session_takes_a_place(org, amira, me):
    session = session_on(at("2026-07-01"))
    booking = services.own_booking_create(colleague=amira, session=session, by=me)
    assert (booking.status, booking.colleague, booking.booked_by) == (BookingStatus.BOOKED, amira, me)


def test_booking_a_full_session_puts_me_on_the_waiting_list(org, amira, me):
    session = session_on(at("2026-07-01"), capacity=1)
    programme_services.bookings_create(session=session, colleagues=[org.people["N2"]])
    booking = services.own_booking_create(colleague=amira, session=session, by=me)
    assert booking.status == BookingStatus.WAITLISTED


def test_booking_twice_is_refused_and_writes_nothing(org, amira, me):
    session = session_on(at("2026-07-01"))
    services.own_booking_create(colleague=amira, session=session, by=me)
    message = refused(lambda: services.own_booking_create(colleague=amira, session=session, by=me))
    assert message == "You are already on this session's list (booked)."
    assert Booking.objects.filter(session=session).count() == 1


def test_booking_a_full_session_i_am_already_waiting_for_is_refused(org, amira, me):
    session = session_on(at("2026-07-01"), capacity=1)
    programme_services.bookings_create(session=session, colleagues=[org.people["N2"], amira])
    message = refused(lambda: services.own_booking_create(colleague=amira, session=session, by=me))
    assert message == "You are already on this session's waiting list."
    assert Booking.objects.filter(session=session).count() == 2


def test_booking_a_cancelled_session_is_refused_and_writes_nothing(org, amira, me):
    session = session_on(at("2026-07-01"))
    programme_services.session_cancel(session=session)
    message = refused(lambda: services.own_booking_create(colleague=amira, session=session, by=me))
    assert message == "This session has been cancelled."
    assert Booking.objects.count() == 0


def test_booking_a_past_session_is_refused_and_writes_nothing(org, amira, me):
    session = session_on(at("2026-05-20"))
    message = refused(lambda: services.own_booking_create(colleague=amira, session=session, by=me))
    assert message == "This session has already started."
    assert Booking.objects.count() == 0


def test_booking_a_course_that_counts_for_none_of_my_requirements_is_refused(org, amira, me):
    Course.objects.create(code="FIRE-SAFETY", title="Fire safety", kind="refresher")
    session = session_on(at("2026-07-01"), course="FIRE-SAFETY")
    message = refused(lambda: services.own_booking_create(colleague=amira, session=session, by=me))
    assert message == (
        "Fire safety (FIRE-SAFETY) does not count towards any training your role requires:"
        " choose a session of a course listed under your requirements."
    )
    assert Booking.objects.count() == 0


def test_a_manager_whose_role_requires_no_training_cannot_book_themselves(org):
    session = session_on(at("2026-07-01"))
    message = refused(
        lambda: services.own_booking_create(
            colleague=org.people["N0"], session=session, by=org.users["north"]
        )
    )
    assert message.startswith(
        "Stop Hate UK hate-related training session (SHUK-HATE) does not count towards any training your role requires"
    )
    assert Booking.objects.count() == 0


def test_cancelling_my_place_gives_it_to_the_waiting_list(org, amira, me):
    session = session_on(at("2026-07-01"), capacity=1)
    mine = services.own_booking_create(colleague=amira, session=session, by=me)
    (waiting,) = programme_services.bookings_create(session=session, colleagues=[org.people["N2"]])
    cancelled = services.own_booking_cancel(colleague=amira, booking=mine, by=me)
    waiting.refresh_from_db()
    assert (cancelled.status, waiting.status) == (BookingStatus.CANCELLED, BookingStatus.BOOKED)


def test_cancelling_twice_is_refused(org, amira, me):
    mine = services.own_booking_create(colleague=amira, session=session_on(at("2026-07-01")), by=me)
    services.own_booking_cancel(colleague=amira, booking=mine, by=me)
    message = refused(lambda: services.own_booking_cancel(colleague=amira, booking=mine, by=me))
    assert message == "This booking is already cancelled."


def test_cancelling_a_place_on_a_session_that_has_started_is_refused(org, amira, me, time_machine):
    mine = services.own_booking_create(colleague=amira, session=session_on(at("2026-06-02")), by=me)
    time_machine.move_to(at("2026-06-02", 11), tick=False)
    message = refused(lambda: services.own_booking_cancel(colleague=amira, booking=mine, by=me))
    assert message == "The session has started: mark the colleague as not attending instead."
    mine.refresh_from_db()
    assert mine.status == BookingStatus.BOOKED


def test_cancelling_another_colleagues_booking_is_refused(org, amira, me):
    (theirs,) = programme_services.bookings_create(
        session=session_on(at("2026-07-01")), colleagues=[org.people["N2"]]
    )
    message = refused(lambda: services.own_booking_cancel(colleague=amira, booking=theirs, by=me))
    assert message == "This booking is not yours."
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.BOOKED
