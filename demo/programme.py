"""Demo sessions: Stop Hate UK refreshers and a BTEC cohort in the coming months, booked, one with a waiting list.

Booked through the programme's own services, so each place sends its
calendar invitation (into the demo's mail folder) and the coverage plan
counts the places. Made once while any is still to come: a second
`seed_demo` finds them and leaves them (and anything HR did to them) alone;
once they have all passed, the next `seed_demo` plans a fresh set.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from people.models import Colleague
from programme.models import Session
from programme.services import bookings_create, session_create
from training.models import Course

LONDON = ZoneInfo("Europe/London")
DEMO_NOTE = "Demo session."
# (course, weeks from today, places, venue, which demo profiles to book)
SESSIONS = (
    ("SHUK-HATE", 3, 4, "Online (Teams)", ("refresher overdue", "refresher due soon")),
    ("SHUK-HATE", 7, 12, "Leeds office, room 2", ("qualification overdue",)),
    ("HC-REFRESHER", 11, 10, "Online (Teams)", ()),
    ("BTEC2-CSC", 9, 8, "Bradford Learning Centre", ("qualification due soon", "new starter")),
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=LONDON)


def demo_sessions(today: dt.date, profiles: dict[str, list[str]], by=None) -> int:
    """Plan and book the demo's sessions unless they exist; returns how many were made.

    `profiles` maps a demo profile to its colleagues' employee numbers. The
    first session has 4 places for 6 colleagues: 2 wait.
    """
    if Session.objects.filter(notes=DEMO_NOTE, starts_at__gt=_at(today, 0)).exists():
        return 0
    courses = {c.code: c for c in Course.objects.all()}
    made = 0
    for code, weeks, places, venue, wanted in SESSIONS:
        day = today + dt.timedelta(weeks=weeks)
        # A Tuesday, as programmes usually run.
        day += dt.timedelta(days=(1 - day.weekday()) % 7)
        session = session_create(
            course=courses[code],
            starts_at=_at(day, 10),
            ends_at=_at(day, 13 if code != "BTEC2-CSC" else 16),
            capacity=places,
            venue=venue,
            facilitator="Stop Hate UK" if code == "SHUK-HATE" else "",
            notes=DEMO_NOTE,
            by=by,
        )
        numbers = [n for profile in wanted for n in profiles.get(profile, ())]
        by_number = {c.employee_number: c for c in Colleague.objects.filter(employee_number__in=numbers)}
        bookings_create(session=session, colleagues=[by_number[n] for n in numbers if n in by_number], by=by)
        made += 1
    return made
