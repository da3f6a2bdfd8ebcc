"""The review calendar in a real browser (headless Chromium against the live server)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.access import AccessGroup
from core.dates import add_months
from policies import services
from policies.models import Policy
from tests.services import screenshot

from .helpers import make_policy, post_held_by, user_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def three_years_before(day: dt.date) -> dt.date:
    return add_months(day, -36)


@pytest.fixture
def calendar_data(transactional_db):
    """Dates relative to today, so the test never goes stale."""
    call_command("loaddata", "reference", verbosity=0)
    today = timezone.localdate()
    owner = user_in(AccessGroup.POLICY_OWNER, username="director", first_name="Dee", last_name="Rector")
    owner.set_password("correct-horse-battery")
    owner.save()
    post = post_held_by(owner)
    Policy.objects.filter(slug="hate-harassment").update(owner_post=post)
    make_policy("lettings", owner=post, forum_endorsed_on=three_years_before(today - dt.timedelta(days=40)))
    rent = make_policy(
        "rent-arrears", owner=post, forum_endorsed_on=three_years_before(today + dt.timedelta(days=75))
    )
    make_policy("safeguarding", forum_endorsed_on=three_years_before(today + dt.timedelta(days=300)))
    services.review_start(
        policy=rent,
        trigger="complaint",
        trigger_detail="Complaint about arrears letters",
        eia_meeting_on=today + dt.timedelta(days=20),
        forum_meeting_on=today + dt.timedelta(days=45),
    )
    return today


def test_calendar_page_highlights_overdue_and_due_soon_reviews(page, calendar_data):
    page.goto("/policies/calendar/")
    page.fill("#id_username", "director")
    page.fill("#id_password", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/policies/calendar/")
    assert page.locator("nav[aria-label=Main] a", has_text="Policies").count() == 1

    overdue = page.locator("#overdue + ul li")
    assert overdue.count() == 1
    assert "Lettings Policy" in overdue.inner_text()
    assert "no review started" in overdue.inner_text()

    due_soon = page.locator("li.review-due_soon")
    assert due_soon.count() == 1
    assert "Rent Arrears Policy" in due_soon.inner_text()
    # Highlighted, not just labelled: the due-soon colour from the stylesheet.
    assert due_soon.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 243, 214)"
    assert page.locator("li.review-current", has_text="Safeguarding Policy").count() == 1
    work = page.locator("li.work[data-policy=rent-arrears]")
    assert [w.get_attribute("data-work") for w in work.all()] == ["eia", "forum"]
    assert page.locator("section.month").count() == 24
    assert "Hate Harassment Policy" in page.locator("#later + ul").inner_text()

    page.click("text=Get my calendar address")
    feed_url = page.locator("#feed-url").input_value()
    assert "/policies/calendar/feed/" in feed_url
    ics = page.request.get(feed_url)
    assert (ics.status, ics.headers["content-type"]) == (200, "text/calendar; charset=utf-8")
    assert ics.text().count("BEGIN:VEVENT") == 4
    screenshot(page, "policy-review-calendar")

    # The policy page: cover sheet, the training it requires, versions and the amendment log.
    page.click("text=Hate Harassment Policy")
    page.wait_for_url("**/policies/hate-harassment/")
    assert page.locator("[data-testid=next-review] time").inner_text() == "6 Feb 2029"
    assert page.locator("tr[data-requirement]").count() == 4
    assert page.locator("#amendments ~ .scroll table tbody tr").count() == 4
    screenshot(page, "policy-detail")
    page.click("text=Start a review")
    page.check("input[value=incident]")
    page.click("text=Start the review")
    assert "record what triggered it" in page.locator(".errorlist").inner_text()
    page.fill("#id_trigger_detail", "Racist abuse of a neighbourhood officer on an estate visit")
    page.click("text=Start the review")
    page.wait_for_url("**/policies/hate-harassment/review/")
    assert page.locator("[data-testid=next-step]").inner_text() == "Consultation"
    screenshot(page, "policy-review")
