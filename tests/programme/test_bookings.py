"""Bookings: places, the waiting list and its promotion, changes and cancellations, the emails sent."""

import datetime as dt

import icalendar
import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from programme import emails
from programme.enums import BookingStatus, MessageKind, SessionStatus
from programme.models import Booking, BookingMessage
from programme.services import (
    booking_cancel,
    booking_create,
    bookings_create,
    session_cancel,
    session_update,
)
from tests.factories import ColleagueFactory

from .helpers import LONDON, D, at, session_on

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _first_of_june_2026():
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def officers(reference):
    return [
        ColleagueFactory(role="NHO", first_name=f"Officer{i}", start_date=D("2020-01-01")) for i in range(4)
    ]


def statuses(session):
    return [
        (b.colleague.first_name, b.status)
        for b in session.bookings.select_related("colleague").order_by("created_at", "pk")
    ]


def calendar_of(message) -> tuple[icalendar.Calendar, icalendar.Event, str]:
    [part] = [a for a in message.attachments if a.get_content_type() == "text/calendar"]
    cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    return cal, cal.walk("VEVENT")[0], part["Content-Type"]


def test_booking_beyond_capacity_goes_to_the_waiting_list(officers, django_capture_on_commit_callbacks):
    session = session_on(at("2026-07-14"), capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        created = bookings_create(session=session, colleagues=officers[:3])
    assert [b.status for b in created] == [
        BookingStatus.BOOKED,
        BookingStatus.BOOKED,
        BookingStatus.WAITLISTED,
    ]
    assert [m.subject for m in mail.outbox] == [
        "Stop Hate UK hate-related training session on 14 Jul 2026 at 10:00",
        "Stop Hate UK hate-related training session on 14 Jul 2026 at 10:00",
        "Waiting list: Stop Hate UK hate-related training session on 14 Jul 2026",
    ]
    assert [len(m.attachments) for m in mail.outbox] == [1, 1, 0]
    assert [m.to for m in mail.outbox] == [[officers[0].email], [officers[1].email], [officers[2].email]]


def test_booking_the_same_colleague_twice_keeps_one_booking(officers):
    session = session_on(at("2026-07-14"), capacity=5)
    first = booking_create(session=session, colleague=officers[0])
    again = booking_create(session=session, colleague=officers[0])
    assert (first.status, again) == (BookingStatus.BOOKED, None)
    assert session.bookings.count() == 1


def test_cancelling_a_place_promotes_the_first_on_the_waiting_list(
    officers, django_capture_on_commit_callbacks
):
    session = session_on(at("2026-07-14"), capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        bookings_create(session=session, colleagues=officers)
    assert [s for _, s in statuses(session)] == ["booked", "booked", "waitlisted", "waitlisted"]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=Booking.objects.get(colleague=officers[0]))

    assert statuses(session) == [
        ("Officer0", "cancelled"),
        ("Officer1", "booked"),
        ("Officer2", "booked"),
        ("Officer3", "waitlisted"),
    ]
    cancel, invite = mail.outbox
    assert (cancel.to, invite.to) == ([officers[0].email], [officers[2].email])
    assert (calendar_of(cancel)[0]["METHOD"], calendar_of(invite)[0]["METHOD"]) == ("CANCEL", "REQUEST")


def test_cancelling_a_waiting_list_place_promotes_nobody(officers):
    session = session_on(at("2026-07-14"), capacity=1)
    bookings_create(session=session, colleagues=officers[:3])
    booking_cancel(booking=Booking.objects.get(colleague=officers[1]))
    assert [s for _, s in statuses(session)] == ["booked", "cancelled", "waitlisted"]


def test_more_places_promote_the_waiting_list_and_fewer_than_taken_are_refused(officers):
    session = session_on(at("2026-07-14"), capacity=1)
    bookings_create(session=session, colleagues=officers[:4])
    session_update(session=session, capacity=3)
    assert [s for _, s in statuses(session)] == ["booked", "booked", "booked", "waitlisted"]
    with pytest.raises(ValidationError) as caught:
        session_update(session=session, capacity=2)
    assert caught.value.message_dict == {
        "capacity": ["3 places are already taken: cancel bookings before reducing places."]
    }
    session.refresh_from_db()
    assert session.capacity == 3


def test_no_booking_on_a_session_that_has_started_or_is_cancelled(officers):
    started = session_on(at("2026-06-01", 8, 30))
    with pytest.raises(ValidationError, match="already started"):
        booking_create(session=started, colleague=officers[0])
    cancelled = session_on(at("2026-07-14"), status=SessionStatus.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        booking_create(session=cancelled, colleague=officers[0])
    assert Booking.objects.count() == 0


def test_invitation_is_an_icalendar_request_in_london_time(officers, django_capture_on_commit_callbacks):
    session = session_on(at("2026-07-14"), capacity=5, online_link="https://meet.example.org/x")
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(session=session, colleague=officers[0])
    [message] = mail.outbox
    cal, event, content_type = calendar_of(message)
    assert cal["METHOD"] == "REQUEST"
    assert 'method="REQUEST"' in content_type
    assert str(event["UID"]) == booking.uid
    assert event["SEQUENCE"] == 0
    assert event.decoded("dtstart") == at("2026-07-14", 10)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("dtend") == at("2026-07-14", 13)
    assert str(event["SUMMARY"]) == "Stop Hate UK hate-related training session (SHUK-HATE)"
    assert str(event["LOCATION"]) == "Civic Centre, Room 2"
    assert str(event["ATTENDEE"]) == f"mailto:{officers[0].email}"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Stop Hate UK hate-related training session" in message.subject
    # The session's time as the pages write it (the invitation above carries it for calendars).
    assert "When: Tue 14 Jul 2026, 10:00 to 13:00 (UK time)" in message.body
    assert "Tue 14 Jul 2026, 10:00 to 13:00 (UK time)" in message.alternatives[0][0]


def test_changing_the_session_sends_an_update_with_the_same_uid_and_a_higher_sequence(
    officers, django_capture_on_commit_callbacks
):
    session = session_on(at("2026-07-14"), capacity=1)
    # Each service call commits on its own, as it does behind a page: its emails go out then.
    with django_capture_on_commit_callbacks(execute=True):
        booking, waiting = bookings_create(session=session, colleagues=officers[:2])
    with django_capture_on_commit_callbacks(execute=True):
        session_update(session=session, starts_at=at("2026-07-21", 14), ends_at=at("2026-07-21", 16))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        session_update(session=session, facilitator="Someone else")
    assert callbacks == []  # not in the calendar: nothing to send
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking)

    # invitation, waiting-list notice, update, cancellation, then the promoted colleague's invitation
    invite, notice, update, cancel, promoted = mail.outbox
    _, first, _ = calendar_of(invite)
    _, moved, _ = calendar_of(update)
    cal, cancelled, content_type = calendar_of(cancel)
    assert str(first["UID"]) == str(moved["UID"]) == str(cancelled["UID"]) == booking.uid
    assert (first["SEQUENCE"], moved["SEQUENCE"], cancelled["SEQUENCE"]) == (0, 1, 2)
    assert moved.decoded("dtstart") == at("2026-07-21", 14)
    assert update.subject.startswith("Updated: ")
    assert (cal["METHOD"], str(cancelled["STATUS"]), 'method="CANCEL"' in content_type) == (
        "CANCEL",
        "CANCELLED",
        True,
    )
    assert notice.attachments == []
    _, other, _ = calendar_of(promoted)
    assert (promoted.to, str(other["UID"]), other["SEQUENCE"]) == ([officers[1].email], waiting.uid, 0)
    assert other.decoded("dtstart") == at("2026-07-21", 14)


def test_cancelling_the_session_cancels_every_booking(officers, django_capture_on_commit_callbacks):
    session = session_on(at("2026-07-14"), capacity=1)
    bookings_create(session=session, colleagues=officers[:2])
    BookingMessage.objects.create(
        booking=Booking.objects.get(colleague=officers[0]), kind=MessageKind.INVITATION, sequence=0
    )
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=session)
    assert [s for _, s in statuses(session)] == ["cancelled", "cancelled"]
    to_place, to_waiting = mail.outbox
    assert calendar_of(to_place)[0]["METHOD"] == "CANCEL"
    # The colleague on the waiting list never had a calendar event: a notice without one.
    assert (to_waiting.to, to_waiting.attachments) == ([officers[1].email], [])
    assert "This training session has been cancelled." in to_waiting.body


def test_a_retried_email_task_sends_once(officers, django_capture_on_commit_callbacks):
    session = session_on(at("2026-07-14"))
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(session=session, colleague=officers[0])
    assert emails.booking_invitation_send(booking_id=booking.pk, sequence=0) is False
    assert len(mail.outbox) == 1
    assert list(BookingMessage.objects.values_list("kind", "sequence")) == [("invitation", 0)]


def test_a_late_email_task_for_an_older_change_sends_nothing(officers):
    session = session_on(at("2026-07-14"))
    booking = booking_create(session=session, colleague=officers[0])
    session_update(session=session, venue="Town Hall")
    assert emails.booking_invitation_send(booking_id=booking.pk, sequence=0) is False
    assert emails.booking_invitation_send(booking_id=booking.pk, sequence=1) is True
    assert [calendar_of(m)[1]["LOCATION"] for m in mail.outbox] == ["Town Hall"]


def test_booking_history_is_kept(officers):
    session = session_on(at("2026-07-14"))
    booking = booking_create(session=session, colleague=officers[0])
    booking_cancel(booking=booking)
    assert [h.status for h in booking.history.order_by("history_date")] == ["booked", "cancelled"]
