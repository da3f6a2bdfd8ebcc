"""iCalendar invitations (RFC 5545, iTIP methods per RFC 5546) for a booking.

Each booking is one event with its own UID, so a colleague's calendar app
updates or removes exactly that event: REQUEST with the same UID and a higher
SEQUENCE moves it, CANCEL with the same UID and a higher SEQUENCE removes it.
"""

from __future__ import annotations

import datetime as dt
from email.mime.text import MIMEText
from urllib.parse import urlparse
from uuid import uuid4

import icalendar
from django.conf import settings
from django.utils import timezone

from .models import Booking

PRODID = "-//Hate Harassment Policy training compliance//Training programme//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def booking_uid_new() -> str:
    host = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"booking-{uuid4()}@{host}"


def booking_calendar(booking: Booking, method: str, *, stamp: dt.datetime | None = None) -> bytes:
    """The invitation (REQUEST) or cancellation (CANCEL) of `booking` as iCalendar bytes."""
    session = booking.session
    course = session.course
    zone = timezone.get_current_timezone()
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    event = icalendar.Event()
    event.add("uid", booking.uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", stamp or timezone.now())
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("summary", f"{course.title} ({course.code})")
    if session.venue or session.online_link:
        event.add("location", session.venue or session.online_link)
    if session.online_link:
        event.add("url", session.online_link)
    details = [f"Provider: {session.provider or course.provider or '-'}"]
    if session.facilitator:
        details.append(f"Facilitator: {session.facilitator}")
    if session.online_link:
        details.append(f"Join online: {session.online_link}")
    details.append("Hate Harassment Policy v2, section 6.0: colleague training.")
    event.add("description", "\n".join(details))
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("organizer", f"mailto:{settings.DEFAULT_FROM_EMAIL}", parameters={"CN": "Training programme"})
    colleague = booking.colleague
    event.add(
        "attendee",
        f"mailto:{colleague.email}",
        parameters={
            "CN": colleague.full_name,
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "NEEDS-ACTION" if method == REQUEST else "DECLINED",
            "RSVP": "FALSE",
        },
    )
    cal.add_component(event)
    # Europe/London's VTIMEZONE, so clients show 10:00 as 10:00 whether in GMT or BST.
    cal.add_missing_timezones()
    return cal.to_ical()


def calendar_attachment(booking: Booking, method: str) -> MIMEText:
    """A text/calendar part with the iTIP method in its Content-Type, as Outlook expects."""
    part = MIMEText(booking_calendar(booking, method).decode(), "calendar", "utf-8")
    part.set_param("method", method)
    name = "cancellation.ics" if method == CANCEL else "invitation.ics"
    part.add_header("Content-Disposition", "attachment", filename=name)
    return part
