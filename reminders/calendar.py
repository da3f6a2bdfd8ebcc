"""The manager's iCalendar feed (RFC 5545) of their teams' due dates."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event, vDuration

from compliance import engine
from compliance.enums import Status

from . import selectors
from .links import colleague_url_maker

PRODID = "-//Training compliance//Team due dates//EN"
# Calendar apps poll at their own pace; these ask for twice a day.
REFRESH = dt.timedelta(hours=12)
# The feed shows what a manager plans around: due dates in the coming year, and
# those missed in the last quarter (older overdue ones are on the overdue list).
# A calendar of every date ever would be slow to serve and useless to read.
WINDOW_PAST = dt.timedelta(days=90)
WINDOW_AHEAD = dt.timedelta(days=366)


def event_uid(employee_number: str, requirement: str, due_date: dt.date) -> str:
    """Stable across fetches, so a calendar app updates an event rather than duplicating it.

    A new due date (training done, an extension) is a new event: the old one disappears.
    """
    return f"{employee_number}.{requirement}.{due_date:%Y%m%d}@due-dates.training-compliance"


def team_due_dates_calendar(*, user, day: dt.date) -> bytes:
    """All-day events for the due dates of everyone `user` may see (statuses as of `day`)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Training due dates")
    cal.add("x-wr-caldesc", "Hate Harassment Policy 6.0: when each colleague's training falls due.")
    cal.add("x-wr-timezone", "Europe/London")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    # An X- property has no known type: a bare timedelta is written as "12:00:00",
    # which Outlook cannot read; vDuration writes the iCalendar duration PT12H.
    cal.add("x-published-ttl", vDuration(REFRESH))
    stamp = timezone.now()
    link = colleague_url_maker()
    first, last = day - WINDOW_PAST, day + WINDOW_AHEAD
    for row in selectors.team_compliance(user=user, day=day):
        facts = row.facts
        for status in engine.dues_to_meet(facts, row.statuses):
            if not first <= status.due_date <= last:
                continue
            event = Event()
            event.add("uid", event_uid(facts.employee_number, status.code, status.due_date))
            event.add("dtstamp", stamp)
            event.add("dtstart", status.due_date)
            event.add("dtend", status.due_date + dt.timedelta(days=1))
            event.add("summary", f"{status.code} due: {facts.name}")
            event.add(
                "description",
                f"{facts.name} ({facts.employee_number}, {facts.team or 'no team'}): "
                f"{status.code} is due by {status.due_date:%d/%m/%Y}. "
                f"Status on {day:%d/%m/%Y}: {Status(status.status).label}.",
            )
            event.add("url", link(facts.employee_number))
            event.add("categories", [Status(status.status).label])
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    return cal.to_ical()
