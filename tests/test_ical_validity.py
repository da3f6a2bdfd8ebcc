"""Every iCalendar file the product serves or emails, read by a second library with validation on.

The feeds and invitations are written with `icalendar`; reading them back
with the same library would accept its own mistakes (it wrote
X-PUBLISHED-TTL as "12:00:00", which Outlook reads as a duration and
cannot). `vobject` is an independent reader: it must parse each file,
validate every component (required properties, value types), and read each
duration property as an RFC 5545 duration.
"""

import datetime as dt

import pytest
import time_machine
import vobject
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from vobject.icalendar import stringToDurations

from core.access import AccessGroup
from core.models import CalendarFeedKind, calendar_feed_issue
from programme.services import booking_cancel, booking_create, session_update
from tests.factories import ColleagueFactory
from tests.policies.helpers import make_policy, user_in
from tests.programme.helpers import at, session_on
from tests.reminders.helpers import manager_of, officer_due_on

pytestmark = pytest.mark.django_db

# Every feed address the product serves (each is fetched below); a new one must join.
FEEDS = {"policies:feed", "reminders:team_calendar"}
DURATIONS = ("REFRESH-INTERVAL", "X-PUBLISHED-TTL")


def valid_calendar(body: bytes) -> vobject.base.Component:
    """The one VCALENDAR in `body`, parsed, validated and every value read as its type."""
    text = body.decode("utf-8")
    [calendar] = list(vobject.readComponents(text, validate=True))
    assert calendar.name == "VCALENDAR"
    assert calendar.validate(raiseException=True)  # every component, recursively
    # Reads DTSTART, DTEND, DTSTAMP, TRIGGER... as dates, times and durations: a bad value raises.
    calendar.transformChildrenToNative()
    for name in DURATIONS:
        for line in calendar.contents.get(name.lower(), []):
            assert stringToDurations(line.value) == [dt.timedelta(hours=12)], (name, line.value)
    return calendar


def _feed_patterns(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _feed_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and str(pattern.pattern).endswith(".ics"):
            yield f"{namespace}{pattern.name}"


def test_every_feed_address_is_in_this_test():
    assert set(_feed_patterns()) == FEEDS


@time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC))
def test_both_feeds_pass_an_independent_validator(client, reference):
    user, team = manager_of("North", "nora")
    officer_due_on(dt.date(2026, 9, 30), team=team, first_name="Zoë", last_name="O'Brien, Jr; \\ test")
    officer_due_on(dt.date(2026, 5, 1), team=team)
    _, team_token = calendar_feed_issue(user=user, kind=CalendarFeedKind.TEAM_DUE_DATES)

    make_policy("lettings", forum_endorsed_on=dt.date(2023, 10, 2))
    make_policy("rent-arrears", forum_endorsed_on=dt.date(2024, 3, 15))
    reader = user_in(AccessGroup.HR, username="hr-reader")
    _, policy_token = calendar_feed_issue(user=reader, kind=CalendarFeedKind.POLICY_REVIEWS)

    served = {
        "reminders:team_calendar": client.get(reverse("reminders:team_calendar", args=[team_token])),
        "policies:feed": client.get(reverse("policies:feed", args=[policy_token])),
    }
    assert set(served) == FEEDS
    events, summaries = {}, {}
    for name, response in served.items():
        assert response.status_code == 200, name
        calendar = valid_calendar(response.content)
        assert {line.name for line in calendar.lines() if line.name in DURATIONS} == set(DURATIONS), name
        events[name] = [e.dtstart.value for e in calendar.vevent_list]
        summaries[name] = [e.summary.value for e in calendar.vevent_list]
    assert events["reminders:team_calendar"] == [dt.date(2026, 5, 1), dt.date(2026, 9, 30)]
    # The reference data's Hate Harassment Policy is the third.
    assert sorted(events["policies:feed"]) == [
        dt.date(2026, 10, 2),
        dt.date(2027, 3, 15),
        dt.date(2029, 2, 6),
    ]
    # Commas, semicolons and backslashes in a name are escaped so another reader gets them back.
    assert "Zoë O'Brien, Jr; \\ test" in summaries["reminders:team_calendar"][1]


@time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC))
def test_every_emailed_invitation_passes_an_independent_validator(
    reference, django_capture_on_commit_callbacks
):
    colleague = ColleagueFactory(role="NHO", first_name="Zoë", last_name="O'Brien, Jr")
    session = session_on(at("2026-07-14"), capacity=5, online_link="https://meet.example.org/x")
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(session=session, colleague=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        session_update(session=session, starts_at=at("2026-07-21", 14), ends_at=at("2026-07-21", 16))
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking)

    seen = []
    for message in mail.outbox:
        for part in message.attachments:
            if part.get_content_type() != "text/calendar":
                continue
            calendar = valid_calendar(part.get_payload(decode=True))
            event = calendar.vevent
            assert event.uid.value == booking.uid
            seen.append((calendar.method.value, int(event.sequence.value), event.dtstart.value))
    assert seen == [
        ("REQUEST", 0, at("2026-07-14", 10)),
        ("REQUEST", 1, at("2026-07-21", 14)),
        ("CANCEL", 2, at("2026-07-21", 14)),
    ]
