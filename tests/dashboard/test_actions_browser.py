"""A manager ticks colleagues on the list and books or nudges them, in headless Chromium, on a desktop and a phone."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from dashboard.services import summary_rebuild
from programme.models import Session
from reminders.models import Nudge
from tests.organisation import PASSWORD, TODAY, build_org
from tests.services import screenshot
from training.models import Course

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def organisation(transactional_db, today):
    from django.core.management import call_command

    call_command("loaddata", "reference", verbosity=0)
    org = build_org()
    summary_rebuild(day=TODAY)
    return org


def session_on(day: str, capacity: int) -> Session:
    start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10), tzinfo=ZoneInfo("Europe/London"))
    return Session.objects.create(
        course=Course.objects.get(code="SHUK-HATE"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        capacity=capacity,
        venue="Civic Centre",
    )


def sign_in(page, width: int, username: str = "north"):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{page.base_url}/")


def within_screen(page, locator, width: int) -> None:
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box


def messages(page) -> list[str]:
    return page.locator(".messages li").all_inner_texts()


@pytest.mark.parametrize("device", WIDTHS)
def test_a_manager_books_ticked_colleagues_and_a_full_session_is_refused(page, organisation, device):
    width = WIDTHS[device]
    session = session_on("2026-07-01", capacity=1)
    sign_in(page, width)
    page.goto("/overdue/?status=any")
    book = page.get_by_role("button", name="Book onto a session")
    within_screen(page, book, width)
    page.get_by_label("Select Amira Ahmed, HATE-REFRESHER").check()
    page.get_by_label("Select Chloe Carter, HATE-REFRESHER").check()
    book.click()
    page.wait_for_url("**/actions/")
    assert page.get_by_role("heading", level=1).inner_text() == "Book onto a session"
    assert "1 place left" in page.content()
    screenshot(page, f"actions-book-choose-{device}")

    # Two colleagues, one place: refused, nothing written, and the page says why.
    page.get_by_role(
        "button", name="Book onto Stop Hate UK hate-related training session on 1 Jul 2026, 10:00"
    ).click()
    page.wait_for_url("**/overdue/?status=any")
    assert messages(page) == [
        "Stop Hate UK hate-related training session on Wed 1 Jul 2026, 10:00 has 1 place left for 2: choose another session,"
        " or put them on its waiting list. Nobody was booked."
    ]
    assert not session.bookings.exists()
    screenshot(page, f"actions-book-refused-full-{device}")

    # With the waiting list chosen: one booked, one waiting, and the list says so at once.
    page.get_by_label("Select Amira Ahmed, HATE-REFRESHER").check()
    page.get_by_label("Select Chloe Carter, HATE-REFRESHER").check()
    page.get_by_role("button", name="Book onto a session").click()
    page.wait_for_url("**/actions/")
    page.get_by_label("If there are not enough places, put the rest on the waiting list").check()
    page.get_by_role(
        "button", name="Book onto Stop Hate UK hate-related training session on 1 Jul 2026, 10:00"
    ).click()
    page.wait_for_url("**/overdue/?status=any")
    assert messages(page) == [
        "Booked Amira Ahmed onto Stop Hate UK hate-related training session on Wed 1 Jul 2026, 10:00.",
        "Chloe Carter on the waiting list for Stop Hate UK hate-related training session on Wed 1 Jul 2026, 10:00.",
    ]
    amira = page.locator("table.list tbody tr", has_text="Amira Ahmed").filter(has_text="HATE-REFRESHER")
    assert "booked 1 Jul" in amira.inner_text()
    chloe = page.locator("table.list tbody tr", has_text="Chloe Carter").filter(has_text="HATE-REFRESHER")
    assert "waiting list 1 Jul" in chloe.inner_text()
    screenshot(page, f"actions-booked-{device}")

    # The session now full: offered as a waiting list only.
    page.get_by_label("Select Amira Ahmed, HATE-REFRESHER").check()
    page.get_by_role("button", name="Book onto a session").click()
    page.wait_for_url("**/actions/")
    assert page.get_by_role(
        "button", name="Waiting list for Stop Hate UK hate-related training session on 1 Jul 2026, 10:00"
    ).is_visible()


@pytest.mark.parametrize("device", WIDTHS)
def test_a_manager_nudges_from_the_dashboard_once_a_day(page, organisation, device):
    width = WIDTHS[device]
    sign_in(page, width)
    cards = page.locator(".people-cards")
    assert "Amira Ahmed" in cards.inner_text()
    nudge = page.get_by_role("button", name="Send a nudge")
    nudge.scroll_into_view_if_needed()
    within_screen(page, nudge, width)
    cards.get_by_label("Hate crime refresher every two years HATE-REFRESHER, due 1 Mar 2026").check()
    nudge.click()
    page.wait_for_url(f"{page.base_url}/")
    assert messages(page) == ["Nudge sent to Amira Ahmed (Hate crime refresher every two years)."]
    assert [m.to for m in mail.outbox] == [[organisation.people["N1"].email]]
    assert "nudged today" in page.locator(".people-cards").inner_text()
    screenshot(page, f"actions-nudged-{device}")

    # The same tick again, the same day: not sent again, and the page says so.
    page.locator(".people-cards").get_by_label(
        "Hate crime refresher every two years HATE-REFRESHER, due 1 Mar 2026"
    ).check()
    page.get_by_role("button", name="Send a nudge").click()
    page.wait_for_url(f"{page.base_url}/")
    assert messages(page) == [
        "Already nudged today, so not sent again: Amira Ahmed (Hate crime refresher every two years)."
    ]
    assert len(mail.outbox) == 1
    assert Nudge.objects.count() == 1
    screenshot(page, f"actions-nudged-twice-{device}")


def test_nothing_ticked_is_refused_without_javascript(chromium, live_server, organisation):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.base_url = live_server.url
    try:
        sign_in(page, 390)
        page.goto("/matrix/")
        page.get_by_role("button", name="Send a nudge").click()
        page.wait_for_url("**/matrix/")
        assert messages(page) == ["Tick at least one colleague first: nothing was done."]
        page.get_by_label("Select Ahmed, Amira for HATE-REFRESHER").check()
        page.get_by_role("button", name="Send a nudge").click()
        page.wait_for_url("**/matrix/")
        assert messages(page) == ["Nudge sent to Amira Ahmed (Hate crime refresher every two years)."]
    finally:
        context.close()


@pytest.mark.parametrize("device", WIDTHS)
def test_a_manager_asks_for_an_extension_from_the_list(page, organisation, device):
    width = WIDTHS[device]
    sign_in(page, width)
    page.goto("/overdue/?status=overdue")
    page.get_by_label("Select Amira Ahmed, HATE-REFRESHER").check()
    page.get_by_role("button", name="Ask for an extension").click()
    page.wait_for_url("**/actions/")
    screenshot(page, f"actions-extension-{device}")
    page.get_by_role("link", name="ask for an extension").click()
    page.wait_for_url("**/requests/new/extension/?colleague=N1&requirement=HATE-REFRESHER")
    assert page.get_by_label("Employee number").input_value() == "N1"
    assert (
        page.get_by_label("Requirement").locator("option:checked").inner_text().startswith("HATE-REFRESHER")
    )
    page.get_by_label("New due date").fill("2026-09-01")
    page.get_by_label("Reason").fill("Long-term sickness: back in August")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url("**/requests/*/")
    page.goto("/overdue/?status=overdue")
    amira = page.locator("table.list tbody tr", has_text="Amira Ahmed").filter(has_text="HATE-REFRESHER")
    assert "extension requested" in amira.inner_text()
    screenshot(page, f"actions-extension-requested-{device}")
