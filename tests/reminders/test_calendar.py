"""The manager's calendar feed: secret, revocable, scoped, with stable all-day events."""

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from core.models import CalendarFeedKind, calendar_feed_issue, calendar_feed_revoke
from reminders.calendar import event_uid

from .helpers import manager_of, morning, officer_due_on

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(morning(TODAY), tick=False):
        yield


@pytest.fixture
def north(reference):
    user, team = manager_of("North", "nora")
    officer_due_on(
        dt.date(2026, 5, 29), team=team, employee_number="N1", first_name="Olu", last_name="Overdue"
    )
    officer_due_on(dt.date(2026, 9, 30), team=team, employee_number="N2", first_name="Sam", last_name="Later")
    _, south = manager_of("South", "sid")
    officer_due_on(dt.date(2026, 7, 1), team=south, employee_number="S1")
    return user


def feed_url(user) -> str:
    _, token = calendar_feed_issue(user=user, kind=CalendarFeedKind.TEAM_DUE_DATES)
    return reverse("reminders:team_calendar", args=[token])


def events(client, url) -> dict:
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "text/calendar; charset=utf-8")
    return {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_feed_has_all_day_events_for_the_managers_teams_only(client, north, settings):
    settings.SITE_URL = "https://training.example.org"
    found = events(client, feed_url(north))
    assert sorted(found) == [
        event_uid("N1", "HATE-REFRESHER", dt.date(2026, 5, 29)),
        event_uid("N2", "HATE-REFRESHER", dt.date(2026, 9, 30)),
    ]
    olu = found[event_uid("N1", "HATE-REFRESHER", dt.date(2026, 5, 29))]
    assert (olu.decoded("DTSTART"), olu.decoded("DTEND")) == (dt.date(2026, 5, 29), dt.date(2026, 5, 30))
    assert str(olu["SUMMARY"]) == "HATE-REFRESHER due: Olu Overdue"
    assert str(olu["URL"]) == "https://training.example.org/colleagues/N1/"
    assert "Status on 01/06/2026: Overdue." in str(olu["DESCRIPTION"])


def test_feed_shows_the_last_quarter_and_the_coming_year(client, reference):
    user, team = manager_of("North", "nora")
    for number, due in (
        ("OLD", TODAY - dt.timedelta(days=91)),
        ("RECENT", TODAY - dt.timedelta(days=90)),
        ("YEAR", TODAY + dt.timedelta(days=366)),
        ("FAR", TODAY + dt.timedelta(days=367)),
    ):
        officer_due_on(due, team=team, employee_number=number)
    assert sorted(events(client, feed_url(user))) == [
        event_uid("RECENT", "HATE-REFRESHER", TODAY - dt.timedelta(days=90)),
        event_uid("YEAR", "HATE-REFRESHER", TODAY + dt.timedelta(days=366)),
    ]


def test_feed_leaves_out_a_due_date_after_the_colleague_leaves(client, reference):
    """The same due dates as reminders and the digest (engine.dues_to_meet): a leaver's later one is not planned."""
    user, team = manager_of("North", "nora")
    officer_due_on(
        dt.date(2026, 9, 30), team=team, employee_number="STAYS", leaving_date=dt.date(2026, 9, 30)
    )
    officer_due_on(dt.date(2026, 9, 30), team=team, employee_number="GOES", leaving_date=dt.date(2026, 9, 29))
    assert sorted(events(client, feed_url(user))) == [
        event_uid("STAYS", "HATE-REFRESHER", dt.date(2026, 9, 30))
    ]


def test_feed_uids_stable_across_fetches(client, north):
    url = feed_url(north)
    first = events(client, url)
    with time_machine.travel(morning(TODAY + dt.timedelta(days=3)), tick=False):
        second = events(client, url)
    assert sorted(first) == sorted(second)
    assert len(first) == 2


def test_feed_new_address_or_revoked_or_unknown_is_404(client, north):
    old = feed_url(north)
    new = feed_url(north)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    calendar_feed_revoke(user=north, kind=CalendarFeedKind.TEAM_DUE_DATES)
    assert client.get(new).status_code == 404
    assert client.get(reverse("reminders:team_calendar", args=["not-a-token"])).status_code == 404


def test_feed_of_a_deactivated_user_is_404(client, north):
    url = feed_url(north)
    north.is_active = False
    north.save()
    assert client.get(url).status_code == 404


def test_feed_policy_review_token_does_not_open_team_feed(client, north):
    _, token = calendar_feed_issue(user=north, kind=CalendarFeedKind.POLICY_REVIEWS)
    assert client.get(reverse("reminders:team_calendar", args=[token])).status_code == 404


@pytest.mark.parametrize("count", [1, 50])
def test_feed_costs_a_fixed_number_of_queries(client, reference, count):
    user, team = manager_of("North", "nora")
    for i in range(count):
        officer_due_on(TODAY + dt.timedelta(days=i), team=team)
    url = feed_url(user)
    with CaptureQueriesContext(connection) as queries:
        assert len(events(client, url)) == count
    # The feed (find, mark read), the user's groups, colleagues_for (3 for a
    # manager whose team has no line reports: self, team, reports), the engine (13).
    assert len(queries) == 19


def test_calendar_page_get_replace_and_turn_off(client, north):
    client.force_login(north)
    page = reverse("reminders:calendar_feed")
    assert "You have no calendar address" in client.get(page).content.decode()

    response = client.post(reverse("reminders:calendar_feed_new"))
    body = response.content.decode()
    first = re.search(r"http://testserver/reminders/calendar/([\w-]+)\.ics", body)[1]
    assert "Calendar address ready" in body
    assert f'href="webcal://testserver/reminders/calendar/{first}.ics"' in body
    assert client.get(reverse("reminders:team_calendar", args=[first])).status_code == 200
    # Shown once: the page afterwards cannot show it, and the database holds only its hash.
    later = client.get(page).content.decode()
    assert (first in later, "shown once" in later) == (False, True)
    assert north.calendar_feeds.get().token_hash == hashlib.sha256(first.encode()).hexdigest()

    body = client.post(reverse("reminders:calendar_feed_new")).content.decode()
    second = re.search(r"http://testserver/reminders/calendar/([\w-]+)\.ics", body)[1]
    assert "The old address has stopped working" in body
    assert first not in body
    assert client.get(reverse("reminders:team_calendar", args=[first])).status_code == 404
    assert client.get(reverse("reminders:team_calendar", args=[second])).status_code == 200

    body = client.post(reverse("reminders:calendar_feed_stop"), follow=True).content.decode()
    assert "Calendar address turned off" in body
    assert north.calendar_feeds.filter(revoked_at__isnull=True).count() == 0


def test_calendar_page_needs_sign_in_and_post(client, north):
    page = reverse("reminders:calendar_feed")
    assert client.get(page).status_code == 302
    assert client.post(reverse("reminders:calendar_feed_new")).status_code == 302  # to sign in
    client.force_login(north)
    assert client.get(reverse("reminders:calendar_feed_new")).status_code == 405
    assert north.calendar_feeds.count() == 0


def test_calendar_page_shows_only_my_own_address(client, north):
    other, _ = manager_of("East", "ed")
    _, theirs = calendar_feed_issue(user=other, kind=CalendarFeedKind.TEAM_DUE_DATES)
    client.force_login(north)
    assert theirs not in client.get(reverse("reminders:calendar_feed")).content.decode()
