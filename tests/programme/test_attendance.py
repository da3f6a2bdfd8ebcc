"""Marking attendance: the training record, what compliance and eligibility then say, no-shows."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from compliance.selectors import compliance_on, eligibility_for
from people.models import Colleague
from programme.enums import BookingStatus
from programme.models import Booking
from programme.services import booking_attendance_mark, bookings_create
from tests.factories import ColleagueFactory, record
from training.models import RecordSource, TrainingRecord

from .helpers import LONDON, D, at, hr_user, session_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_officer(reference):
    """A CSO whose refresher lapsed on 1 May 2026, so not eligible for hate-crime cases."""
    manager = ColleagueFactory(first_name="Lina", last_name="Manager", email="lina.manager@example.org")
    officer = ColleagueFactory(
        role="CSO", first_name="Omar", start_date=D("2020-01-01"), line_manager=manager
    )
    record(officer, "BTEC3-CSCNM", "2021-01-01")
    record(officer, "HC-REFRESHER", "2024-05-01")
    return officer


def booked_then_held(colleague, starts_at):
    """Book before the session (1 June 2026), then move the clock past its start."""
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=LONDON), tick=False):
        session = session_on(starts_at, capacity=5)
        [booking] = bookings_create(session=session, colleagues=[colleague])
    return booking


def test_attendance_creates_the_training_record_and_restores_eligibility(overdue_officer):
    booking = booked_then_held(overdue_officer, at("2026-07-14"))
    before = eligibility_for([overdue_officer.employee_number], "hate_crime", D("2026-07-15"))[0]
    assert (before.eligible, [r.code for r in before.reasons]) == (False, ["overdue"])

    with time_machine.travel(at("2026-07-14", 16), tick=False):
        booking = booking_attendance_mark(booking=booking, attended=True, by=hr_user())

    record_made = TrainingRecord.objects.get(colleague=overdue_officer, course__code="SHUK-HATE")
    assert (record_made.completed_on, record_made.source, record_made.provider) == (
        D("2026-07-14"),
        RecordSource.SESSION,
        "Stop Hate UK",
    )
    assert record_made.recorded_by.username == "hr-officer"
    assert (booking.status, booking.training_record, record_made.booking) == (
        BookingStatus.ATTENDED,
        record_made,
        booking,
    )
    after = eligibility_for([overdue_officer.employee_number], "hate_crime", D("2026-07-15"))[0]
    assert (after.eligible, after.reasons, after.eligible_until) == (True, (), D("2028-07-14"))
    [standing] = compliance_on(Colleague.objects.filter(pk=overdue_officer.pk), D("2026-07-15"))
    refresher = next(s for s in standing.statuses if s.code == "HATE-REFRESHER")
    assert (refresher.status, refresher.due_date) == ("compliant", D("2028-07-14"))


def test_attendance_at_half_past_midnight_in_summer_is_recorded_on_the_london_date(overdue_officer):
    # 00:30 BST on 15 July is 23:30 UTC on 14 July: the completion is the London date.
    booking = booked_then_held(overdue_officer, at("2026-07-15", 0, 30))
    with time_machine.travel(at("2026-07-15", 9), tick=False):
        booking = booking_attendance_mark(booking=booking, attended=True)
    assert booking.training_record.completed_on == D("2026-07-15")


def test_a_no_show_is_reported_to_the_manager_and_records_nothing(
    overdue_officer, django_capture_on_commit_callbacks
):
    booking = booked_then_held(overdue_officer, at("2026-07-14"))
    mail.outbox.clear()
    with (
        time_machine.travel(at("2026-07-14", 16), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        booking = booking_attendance_mark(booking=booking, attended=False)
    assert booking.status == BookingStatus.NO_SHOW
    assert not TrainingRecord.objects.filter(colleague=overdue_officer, course__code="SHUK-HATE").exists()
    [report] = mail.outbox
    assert report.to == ["lina.manager@example.org"]
    assert report.subject == f"Did not attend: {overdue_officer.full_name}, SHUK-HATE on 14 Jul 2026"
    assert f"/programme/sessions/{booking.session_id}/" in report.body


def test_a_no_show_goes_to_the_team_manager_when_there_is_no_line_manager(
    reference, django_capture_on_commit_callbacks
):
    from .helpers import team_with_manager

    team, manager, _ = team_with_manager("East", "east-manager")
    officer = ColleagueFactory(role="NHO", team=team, start_date=D("2020-01-01"))
    booking = booked_then_held(officer, at("2026-07-14"))
    mail.outbox.clear()
    with (
        time_machine.travel(at("2026-07-14", 16), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        booking_attendance_mark(booking=booking, attended=False)
    assert [m.to for m in mail.outbox] == [[manager.email]]


def test_correcting_attended_to_no_show_removes_the_record_it_made(overdue_officer):
    booking = booked_then_held(overdue_officer, at("2026-07-14"))
    with time_machine.travel(at("2026-07-14", 16), tick=False):
        booking_attendance_mark(booking=booking, attended=True)
        booking_attendance_mark(booking=booking, attended=False)
        booking.refresh_from_db()
        assert (booking.status, booking.training_record) == (BookingStatus.NO_SHOW, None)
        assert not TrainingRecord.objects.filter(course__code="SHUK-HATE").exists()
        booking_attendance_mark(booking=booking, attended=True)
    assert TrainingRecord.objects.filter(course__code="SHUK-HATE", colleague=overdue_officer).count() == 1


def test_attendance_links_a_record_already_imported_and_a_correction_keeps_it(overdue_officer):
    booking = booked_then_held(overdue_officer, at("2026-07-14"))
    imported = record(overdue_officer, "SHUK-HATE", "2026-07-14")
    with time_machine.travel(at("2026-07-14", 16), tick=False):
        booking = booking_attendance_mark(booking=booking, attended=True)
        assert booking.training_record == imported
        booking_attendance_mark(booking=booking, attended=False)
    assert TrainingRecord.objects.filter(pk=imported.pk).exists()


def test_attendance_cannot_be_marked_before_the_session_or_for_the_waiting_list(overdue_officer):
    booking = booked_then_held(overdue_officer, at("2026-07-14"))
    with time_machine.travel(at("2026-07-14", 9), tick=False), pytest.raises(ValidationError) as caught:
        booking_attendance_mark(booking=booking, attended=True)
    assert caught.value.messages == ["Attendance can be marked once the session has started."]
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.WAITLISTED)
    with time_machine.travel(at("2026-07-14", 16), tick=False), pytest.raises(ValidationError) as caught:
        booking_attendance_mark(booking=booking, attended=True)
    assert caught.value.messages == [
        "Only a booked place can be marked; this colleague is on the waiting list."
    ]
    assert TrainingRecord.objects.filter(course__code="SHUK-HATE").count() == 0


def test_attendance_marked_on_the_page_is_seen_by_eligibility_at_once(overdue_officer, client):
    booking = booked_then_held(overdue_officer, at("2026-07-14"))
    hr = hr_user()
    client.force_login(hr)
    with time_machine.travel(at("2026-07-14", 16), tick=False):
        response = client.post(
            reverse("programme:booking_attendance", args=[booking.pk]), {"outcome": "attended"}
        )
    assert response.status_code == 302
    [answer] = eligibility_for([overdue_officer.employee_number], "hate_crime", D("2026-07-14"))
    assert answer.eligible is True
