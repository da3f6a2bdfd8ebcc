"""A colleague uses /me/ in a real browser, at desktop width and at 390 px.

Signs in, finds the overdue refresher with a session that counts for it,
books a place, cancels it, is refused a cancelled session, and downloads
their own record.
"""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from privacy.models import DataExport
from programme import services as programme_services
from programme.enums import BookingStatus
from programme.models import Booking
from tests.organisation import PASSWORD, build_org
from tests.programme.helpers import at, session_on
from tests.services import screenshot

pytestmark = pytest.mark.browser

# Pages are served by a live server on a shared 2-core machine: more than Playwright's default 5 s.
expect.set_options(timeout=20_000)

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(WIDTHS))
def screen(request, chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url,
        viewport=WIDTHS[request.param],
        locale="en-GB",
        timezone_id="Europe/London",
        accept_downloads=True,
    )
    context.width = request.param
    yield context
    context.close()


@pytest.fixture
def org(transactional_db, today):
    call_command("loaddata", "reference", verbosity=0)
    return build_org()


def sign_in(context, user):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_colleague_books_cancels_and_downloads_their_record(screen, org):
    session = session_on(at("2026-07-01"))
    gone = session_on(at("2026-07-08"))
    page = sign_in(screen, org.users["colleague"])
    # Signing in lands a colleague on their own page.
    page.wait_for_url("**/me/")
    refresher = page.locator("#req-HATE-REFRESHER")
    expect(refresher).to_contain_text("Overdue")
    expect(refresher).to_contain_text("Due 1 Mar 2026.")
    no_sideways_scroll(page)
    screenshot(page, f"me-{screen.width}")

    refresher.get_by_role(
        "button", name="Book Stop Hate UK hate-related training session on 1 Jul 2026, 10:00"
    ).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Booked: Stop Hate UK hate-related training session on Wed 1 Jul 2026, 10:00."
    )
    expect(page.locator("#req-HATE-REFRESHER")).to_contain_text("In hand: booked 1 Jul.")
    expect(page.locator("#my-bookings")).to_contain_text("SHUK-HATE")
    booking = Booking.objects.get(session=session)
    assert (booking.colleague, booking.status) == (org.people["N1"], BookingStatus.BOOKED)
    no_sideways_scroll(page)
    screenshot(page, f"me-booked-{screen.width}")

    page.locator("#req-HATE-REFRESHER").get_by_role(
        "button", name="Cancel my place on Stop Hate UK hate-related training session on 1 Jul 2026, 10:00"
    ).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Cancelled your place on Stop Hate UK hate-related training session on Wed 1 Jul 2026, 10:00."
    )
    expect(page.locator("#bookings ~ p.empty").first).to_have_text("No upcoming sessions booked.")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED

    # Refused: the session is cancelled after the page was drawn. The message says so; nothing is booked.
    programme_services.session_cancel(session=gone)
    page.locator("#req-HATE-REFRESHER").get_by_role(
        "button", name="Book Stop Hate UK hate-related training session on 8 Jul 2026, 10:00"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("This session has been cancelled.")
    assert not Booking.objects.filter(session=gone, status=BookingStatus.BOOKED).exists()
    screenshot(page, f"me-refused-{screen.width}")

    # Outside training and extensions go through HR's request forms, filled in for this requirement.
    page.locator("#req-HATE-REFRESHER").get_by_role("link", name="Ask for an extension").click()
    expect(page.get_by_label("Employee number")).to_have_value("N1")
    expect(page.get_by_label("Requirement").locator("option:checked")).to_contain_text("HATE-REFRESHER")
    page.go_back()
    page.locator("#req-HATE-REFRESHER").get_by_role("link", name="Submit training done elsewhere").click()
    expect(page.get_by_label("Course").locator("option:checked")).to_contain_text("HC-REFRESHER")
    page.go_back()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my record (JSON)").click()
    data = json.loads(Path(download.value.path()).read_text())
    assert (data["employee_number"], data["name"]) == ("N1", "Amira Ahmed")
    assert DataExport.objects.filter(subject=org.people["N1"], kind="subject-access.json").count() == 1
