"""The policy review calendar feed (iCalendar, RFC 5545) that Outlook or Google Calendar subscribes to.

One all-day event per policy: its next review. The UID is the policy's and
never changes, so when a review is rescheduled or completed the calendar app
moves the event it already has rather than adding a second one; SEQUENCE
goes up each time the date moves (`ReviewCalendarEntry`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from .models import Policy, ReviewCalendarEntry

# The alarm fires this long before the review date; the emails start earlier (180 days).
ALARM_BEFORE = dt.timedelta(days=30)


def review_calendar_sync(*, policies: Iterable[Policy]) -> dict[int, ReviewCalendarEntry]:
    """Record each policy's current review date; a date that moved since last time bumps its sequence.

    One query when nothing moved. Two fetches at once cannot bump twice: the
    update only applies while the stored date is still the old one.
    """
    dated = {p.pk: p.next_review_date for p in policies if p.next_review_date is not None}
    entries = {e.policy_id: e for e in ReviewCalendarEntry.objects.filter(policy_id__in=dated)}
    now = timezone.now()
    missing = [
        ReviewCalendarEntry(policy_id=pk, review_date=day, sequence=0, changed_at=now)
        for pk, day in dated.items()
        if pk not in entries
    ]
    moved = [
        (entries[pk], day) for pk, day in dated.items() if pk in entries and entries[pk].review_date != day
    ]
    if missing:
        ReviewCalendarEntry.objects.bulk_create(missing, ignore_conflicts=True)
    for entry, day in moved:
        ReviewCalendarEntry.objects.filter(pk=entry.pk, review_date=entry.review_date).update(
            review_date=day, sequence=F("sequence") + 1, changed_at=now
        )
    if missing or moved:
        entries = {e.policy_id: e for e in ReviewCalendarEntry.objects.filter(policy_id__in=dated)}
    return entries


def event_uid(policy_id: int) -> str:
    return f"policy-review-{policy_id}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}"


def _description(row, url: str) -> str:
    policy = row.policy
    lines = [f"Review of the {policy.title} (version {policy.version}) is due."]
    if policy.owner:
        holder = policy.owner_post.holder_name
        lines.append(f"Owner: {policy.owner}" + (f" ({holder})" if holder else ""))
    if policy.next_review_override:
        lines.append(f"Date set by hand: {policy.next_review_override_reason}")
    review = row.open_review
    if review is not None:
        lines.append(
            f"Review in progress since {review.started_on:%d/%m/%Y} ({review.get_trigger_display()})."
        )
        for label, day in (
            ("EIA Review Group", review.eia_on),
            ("Policy Forum", review.forum_on),
            ("Board approval", review.board_on),
        ):
            if day is not None:
                lines.append(f"{label}: {day:%d/%m/%Y}")
    lines.append(url)
    return "\n".join(lines)


def review_feed(rows, entries: dict[int, ReviewCalendarEntry], name: str = "Policy reviews") -> bytes:
    """The feed as bytes: one all-day event with an alarm for each policy with a review date."""
    site = settings.SITE_URL.rstrip("/")
    calendar = Calendar()
    calendar.add("prodid", "-//Hate Harassment Policy training compliance//Policy reviews//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", dt.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    for row in rows:
        entry = entries.get(row.policy.pk)
        if row.next_review is None or entry is None:
            continue
        url = site + reverse("policies:detail", args=[row.policy.slug])
        event = Event()
        event.add("uid", event_uid(row.policy.pk))
        event.add("dtstamp", entry.changed_at)
        event.add("last-modified", entry.changed_at)
        event.add("sequence", entry.sequence)
        event.add("dtstart", row.next_review)
        event.add("dtend", row.next_review + dt.timedelta(days=1))
        event.add("summary", f"Policy review due: {row.policy.title}")
        event.add("description", _description(row, url))
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["Policy review"])
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"The {row.policy.title} review is due in {ALARM_BEFORE.days} days")
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
