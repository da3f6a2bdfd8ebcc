"""The review calendar page and the iCalendar feed at a secret, revocable address."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from core.access import AccessGroup
from core.models import CalendarFeedKind, calendar_feed_issue
from policies import selectors, services
from policies.models import Policy, ReviewCalendarEntry
from policies.rules import ReviewStatus

from .helpers import make_policy, post_held_by, user_in

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 28)
NOW = dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC)


@pytest.fixture
def spread(reference):
    """Policies whose reviews fall overdue, due soon, within two years, later and never."""
    make_policy("lettings", forum_endorsed_on=dt.date(2023, 10, 2))  # due 02/10/2026: overdue
    make_policy("rent-arrears", forum_endorsed_on=dt.date(2024, 3, 15))  # due 15/03/2027: due soon
    make_policy("safeguarding", forum_endorsed_on=dt.date(2025, 9, 30), frequency=24)  # 30/09/2027
    make_policy("complaints", forum_endorsed_on=dt.date(2025, 11, 30))  # 30/11/2028: last month shown? no
    make_policy("equality", forum_endorsed_on=None)  # never endorsed: no date
    # A review in progress with its work planned.
    rent = Policy.objects.get(slug="rent-arrears")
    with time_machine.travel(NOW):
        services.review_start(
            policy=rent,
            trigger="scheduled",
            eia_meeting_on=dt.date(2027, 1, 12),
            forum_meeting_on=dt.date(2027, 2, 9),
            board_meeting_on=dt.date(2027, 2, 23),
        )


def test_calendar_groups_two_years_of_reviews_by_month(spread):
    rows = selectors.register_rows(Policy.objects.all(), TODAY)
    calendar = selectors.review_calendar(rows, TODAY)
    assert [r.policy.slug for r in calendar.overdue] == ["lettings"]
    assert (calendar.months[0].first, calendar.months[-1].first, len(calendar.months)) == (
        dt.date(2026, 11, 1),
        dt.date(2028, 10, 1),
        24,
    )
    placed = {
        (m.first.strftime("%Y-%m"), i.kind, i.row.policy.slug, i.row.status, i.done)
        for m in calendar.months
        for i in m.items
    }
    assert placed == {
        ("2027-01", "eia", "rent-arrears", ReviewStatus.DUE_SOON, False),
        ("2027-02", "forum", "rent-arrears", ReviewStatus.DUE_SOON, False),
        ("2027-02", "board", "rent-arrears", ReviewStatus.DUE_SOON, False),
        ("2027-03", "review", "rent-arrears", ReviewStatus.DUE_SOON, False),
        ("2027-09", "review", "safeguarding", ReviewStatus.CURRENT, False),
    }
    assert [r.policy.slug for r in calendar.later] == ["complaints", "hate-harassment"]
    assert {r.policy.slug for r in calendar.unscheduled} == {
        "anti-social-behaviour",
        "domestic-abuse",
        "tenancy",
        "equality",
    }


@pytest.mark.parametrize("extra", [0, 15])
@time_machine.travel(NOW)
def test_calendar_page_costs_a_fixed_number_of_queries(client, spread, extra):
    for n in range(extra):
        make_policy(f"extra-{n}", forum_endorsed_on=dt.date(2025, 1, n + 1))
    client.force_login(user_in(AccessGroup.AUDITOR))
    client.get(reverse("policies:calendar"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("policies:calendar"))
    assert response.status_code == 200
    # session, user, groups; policies, related policies, open reviews; this user's feed;
    # the idle-timeout stamp saved to the session (savepoint, update, release).
    assert len(queries) == 10
    html = response.content.decode()
    assert html.count('data-status="overdue"') == 1
    assert 'data-month="2027-03"' in html


@pytest.fixture
def subscriber(client, reference):
    hr = user_in(AccessGroup.HR, username="hr-lead")
    client.force_login(hr)
    return hr


def fetch(client, url) -> Calendar:
    client.logout()  # the calendar app has no session: the address is the credential
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "text/calendar; charset=utf-8")
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, dict]:
    return {
        str(e["summary"]): {
            "uid": str(e["uid"]),
            "sequence": int(e["sequence"]),
            "start": e.decoded("dtstart"),
            "end": e.decoded("dtend"),
            "alarm": [str(a["action"]) + " " + str(a.decoded("trigger")) for a in e.walk("VALARM")],
        }
        for e in calendar.walk("VEVENT")
    }


@time_machine.travel(NOW)
def test_feed_address_is_issued_on_the_calendar_page_and_answers_ical(client, subscriber):
    page = client.post(reverse("policies:feed_subscribe"))
    assert page.status_code == 200
    url = page.context["feed_url"]
    # Shown once: only the hash is stored, so the page afterwards cannot show the address.
    again = client.get(reverse("policies:calendar"))
    assert (again.context["feed_url"], url in again.content.decode()) == (None, False)
    assert url.startswith("http://testserver/policies/calendar/feed/") and url.endswith(".ics")
    found = events(fetch(client, url))
    assert found == {
        "Policy review due: Hate Harassment Policy": {
            "uid": f"policy-review-{Policy.objects.get(slug='hate-harassment').pk}@127.0.0.1",
            "sequence": 0,
            "start": dt.date(2029, 2, 6),
            "end": dt.date(2029, 2, 7),
            "alarm": ["DISPLAY -30 days, 0:00:00"],
        }
    }


@time_machine.travel(NOW)
def test_feed_uids_stay_and_sequence_goes_up_when_a_review_moves(client, subscriber):
    token = calendar_feed_issue(user=subscriber, kind=CalendarFeedKind.POLICY_REVIEWS)[1]
    url = reverse("policies:feed", args=[token])
    first, second = events(fetch(client, url)), events(fetch(client, url))
    assert first == second
    [event] = first.values()
    hhp = Policy.objects.get(slug="hate-harassment")
    services.policy_review_reschedule(policy=hhp, next_review=dt.date(2028, 6, 30), reason="New legislation")
    [moved] = events(fetch(client, url)).values()
    [again] = events(fetch(client, url)).values()
    assert (moved["uid"], moved["sequence"], moved["start"]) == (event["uid"], 1, dt.date(2028, 6, 30))
    assert again == moved
    services.policy_review_reschedule(policy=hhp, next_review=None, reason="")
    [back] = events(fetch(client, url)).values()
    assert (back["uid"], back["sequence"], back["start"]) == (event["uid"], 2, dt.date(2029, 2, 6))
    assert ReviewCalendarEntry.objects.get(policy=hhp).sequence == 2


@time_machine.travel(NOW)
def test_feed_describes_the_review_work_in_progress(client, subscriber, spread):
    token = calendar_feed_issue(user=subscriber, kind=CalendarFeedKind.POLICY_REVIEWS)[1]
    client.logout()
    body = client.get(reverse("policies:feed", args=[token])).content
    calendar = Calendar.from_ical(body)
    [rent] = [e for e in calendar.walk("VEVENT") if "Rent Arrears" in str(e["summary"])]
    assert str(rent["description"]).splitlines()[1:5] == [
        "Review in progress since 28/11/2026 (Scheduled review).",
        "EIA Review Group: 12/01/2027",
        "Policy Forum: 09/02/2027",
        "Board approval: 23/02/2027",
    ]
    assert len(calendar.walk("VEVENT")) == 5  # one per policy with a review date


@time_machine.travel(NOW)
def test_revoked_or_unknown_or_no_longer_entitled_address_is_404(client, subscriber):
    first = calendar_feed_issue(user=subscriber, kind=CalendarFeedKind.POLICY_REVIEWS)[1]
    assert client.post(reverse("policies:feed_subscribe")).status_code == 200  # a new address revokes the old
    client.logout()
    assert client.get(reverse("policies:feed", args=[first])).status_code == 404
    assert client.get(reverse("policies:feed", args=["not-a-token"])).status_code == 404
    current = calendar_feed_issue(user=subscriber, kind=CalendarFeedKind.POLICY_REVIEWS)[1]
    assert client.get(reverse("policies:feed", args=[current])).status_code == 200
    subscriber.groups.remove(Group.objects.get(name=AccessGroup.HR))
    assert client.get(reverse("policies:feed", args=[current])).status_code == 404
    team_feed = calendar_feed_issue(user=subscriber, kind=CalendarFeedKind.TEAM_DUE_DATES)[1]
    assert client.get(reverse("policies:feed", args=[team_feed])).status_code == 404


@time_machine.travel(NOW)
def test_unsubscribe_switches_the_address_off(client, subscriber):
    token = calendar_feed_issue(user=subscriber, kind=CalendarFeedKind.POLICY_REVIEWS)[1]
    assert client.post(reverse("policies:feed_revoke")).status_code == 302
    assert client.get(reverse("policies:calendar")).context["feed_url"] is None
    assert client.get(reverse("policies:feed", args=[token])).status_code == 404


@pytest.mark.parametrize("extra", [0, 15])
@time_machine.travel(NOW)
def test_feed_costs_a_fixed_number_of_queries(client, reference, extra):
    owner = user_in(AccessGroup.POLICY_OWNER)
    post_held_by(owner)
    for n in range(extra):
        make_policy(f"extra-{n}", forum_endorsed_on=dt.date(2025, 1, n + 1))
    token = calendar_feed_issue(user=owner, kind=CalendarFeedKind.POLICY_REVIEWS)[1]
    url = reverse("policies:feed", args=[token])
    client.get(url)  # first fetch records every date
    with CaptureQueriesContext(connection) as queries:
        calendar = Calendar.from_ical(client.get(url).content)
    # feed + user, last fetched, groups; policies, related, open reviews; calendar entries.
    assert (len(queries), len(calendar.walk("VEVENT"))) == (7, 1 + extra)
