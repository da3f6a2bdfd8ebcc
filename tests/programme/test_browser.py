"""HR books a proposed colleague and marks attendance, in a real browser."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from programme.models import Booking
from tests.factories import ColleagueFactory, record
from tests.services import screenshot
from training.models import RecordSource, TrainingRecord

from .helpers import D, hr_user, session_on


def sign_in_with_second_factor(page, user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/**")
    page.get_by_label("6-digit code from your authenticator app").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_hr_books_the_proposed_colleague_and_marks_attendance(page, reference):
    hr = hr_user()
    officer = ColleagueFactory(role="CSO", first_name="Omar", last_name="Overdue", start_date=D("2020-01-01"))
    record(officer, "BTEC3-CSCNM", "2021-01-01")
    record(officer, "HC-REFRESHER", "2024-05-01")
    starts = timezone.localtime() + dt.timedelta(minutes=20)
    session = session_on(starts.replace(second=0, microsecond=0), capacity=8)

    sign_in_with_second_factor(page, hr)
    page.goto(f"/programme/sessions/{session.pk}/")
    candidates = page.locator("#candidates tbody tr")
    expect(candidates).to_have_count(1)
    expect(candidates.first).to_contain_text("Omar Overdue")
    expect(candidates.first).to_contain_text("Overdue")
    screenshot(page, "programme-proposed")
    page.get_by_role("button", name="Book selected").click()

    expect(page.get_by_role("status")).to_contain_text("Booked 1 colleague.")
    row = page.locator(f'#bookings tr[data-employee="{officer.employee_number}"]')
    expect(row).to_contain_text("Booked")
    expect(page.locator("#places")).to_contain_text("1 of 8 taken")

    # 25 minutes later (inside the 30-minute idle limit) the session has started: the register opens.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=25), tick=True):
        page.reload()
        row.get_by_role("button", name="Attended").click()
        expect(page.get_by_role("status")).to_contain_text("Omar Overdue attended.")
        expect(row).to_contain_text("Attended")
        expect(row).to_contain_text(starts.strftime("%-d %b %Y"))
        shot = screenshot(page, "programme-attendance")

    booking = Booking.objects.get(session=session, colleague=officer)
    made = TrainingRecord.objects.get(colleague=officer, course__code="SHUK-HATE")
    assert (booking.status, booking.training_record_id, made.source, made.completed_on) == (
        "attended",
        made.pk,
        RecordSource.SESSION,
        starts.date(),
    )
    assert shot.stat().st_size > 10_000
