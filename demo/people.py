"""A demo organisation whose dates move with today, so the demo never goes stale.

Every colleague follows a profile that lands them in a known status today:
the dashboard, the report and the API all have something to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.dates import add_months
from dashboard.selectors.kpi import Quarter

TEAMS = ("North Neighbourhoods", "South Neighbourhoods", "Community Safety")
FIRST = [
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Femi",
    "Grace",
    "Harry",
    "Imran",
    "Jade",
    "Kofi",
    "Leah",
    "Mo",
    "Nia",
    "Owen",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Vik",
    "Wendy",
    "Xavier",
    "Yusuf",
    "Zara",
    "Aled",
    "Bethan",
    "Cai",
    "Dylan",
    "Efa",
    "Ffion",
    "Gethin",
    "Haf",
    "Iolo",
    "Jac",
    "Kian",
    "Lowri",
]
LAST = [
    "Ahmed",
    "Bennett",
    "Carter",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Owen",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Thomas",
    "Usman",
    "Vaughan",
    "Williams",
    "Xu",
    "Young",
    "Zielinski",
    "Ali",
    "Brown",
    "Clarke",
    "Dixon",
    "Edwards",
    "Foster",
    "Griffiths",
    "Hall",
    "Islam",
    "James",
    "Kaur",
    "Lloyd",
]


@dataclass(frozen=True)
class Profile:
    """How one demo colleague stands today."""

    name: str
    role: str
    started_months_ago: int
    training: tuple[tuple[str, int], ...] = ()  # (course, days ago)
    previous_role: tuple[str, int] | None = None  # (role, months ago it started)
    left_days_ago: int | None = None
    waiver: str | None = None  # "exemption" or "extension"
    extra: dict = field(default_factory=dict)
    # A refresher that fell due in the last complete quarter and was renewed then: (course, days
    # after its due date, negative for early). The KPI page opens on that quarter, so its
    # refresher completion has someone renewed on time and someone late to show.
    renewed_last_quarter: tuple[str, int] | None = None


PROFILES = (
    Profile("compliant NHO", "NHO", 60, (("BTEC2-CSC", 1500),), renewed_last_quarter=("SHUK-HATE", -12)),
    Profile("compliant CSO", "CSO", 48, (("BTEC3-CSCNM", 1200),), renewed_last_quarter=("HC-REFRESHER", 9)),
    Profile("refresher due soon", "NHO", 40, (("BTEC2-CSC", 1000), ("HC-REFRESHER", 690))),
    Profile("refresher overdue", "CSO", 70, (("BTEC3-CSCNM", 1800), ("SHUK-HATE", 770))),
    Profile("new starter", "NHO", 2),
    Profile("qualification due soon", "NHO", 11, (("SHUK-HATE", 100),)),
    Profile("qualification overdue", "NHO", 14, (("HC-REFRESHER", 200),)),
    Profile("exempt from the refresher", "CSO", 50, (("BTEC3-CSCNM", 1300),), waiver="exemption"),
    Profile("extension granted", "NHO", 13, (("HC-REFRESHER", 150),), waiver="extension"),
    Profile("equivalent qualification", "NHO", 30, (("CIH-L3-HP", 700), ("SHUK-HATE", 250))),
    Profile("role change NHO to CSO", "CSO", 3, (("BTEC2-CSC", 900), ("HC-REFRESHER", 400)), ("NHO", 36)),
    Profile("leaver", "NHO", 30, (("BTEC2-CSC", 600),), left_days_ago=60),
    Profile("compliant by BTEC", "CSO", 20, (("BTEC3-CSCNM", 400),)),
)


@dataclass(frozen=True)
class DemoColleague:
    employee_number: str
    first_name: str
    last_name: str
    role: str
    team: str
    start_date: dt.date
    role_start_date: dt.date
    leaving_date: dt.date | None
    previous_role: tuple[str, dt.date] | None
    training: tuple[tuple[str, dt.date], ...]
    waiver: str | None
    profile: str


def last_quarter_middle(today: dt.date) -> dt.date:
    """The middle of the last complete quarter: the one the KPI report opens on."""
    return Quarter.containing(today).previous().start + dt.timedelta(days=45)


def renewal(today: dt.date, course: str, days_after_due: int, jitter: int) -> tuple[tuple[str, dt.date], ...]:
    """The refresher done two years before a due date in the last quarter, and the one that renewed it."""
    due = last_quarter_middle(today) + dt.timedelta(days=jitter - 5)
    return ((course, add_months(due, -24)), (course, due + dt.timedelta(days=days_after_due)))


def demo_people(today: dt.date) -> list[DemoColleague]:
    """39 officers in three teams, plus nothing random: the same day gives the same people."""
    people = []
    n = 0
    for t, team in enumerate(TEAMS):
        for p, profile in enumerate(PROFILES):
            n += 1
            # Spread the dates a little so a team's list is not 13 identical rows.
            jitter = (t * 7 + p * 3) % 11
            start = add_months(today, -profile.started_months_ago) - dt.timedelta(days=jitter)
            if profile.started_months_ago <= 11:
                start = add_months(today, -profile.started_months_ago) + dt.timedelta(days=jitter)
            role_start = start
            previous = None
            if profile.previous_role:
                prev_role, months = profile.previous_role
                start = add_months(today, -months)
                previous = (prev_role, start)
                role_start = add_months(today, -profile.started_months_ago)
            people.append(
                DemoColleague(
                    employee_number=f"D{1000 + n}",
                    first_name=FIRST[(n - 1) % len(FIRST)],
                    last_name=LAST[(n * 7) % len(LAST)],
                    role=profile.role,
                    team=team,
                    start_date=start,
                    role_start_date=role_start,
                    leaving_date=today - dt.timedelta(days=profile.left_days_ago)
                    if profile.left_days_ago
                    else None,
                    previous_role=previous,
                    training=tuple(
                        (course, today - dt.timedelta(days=days + jitter))
                        for course, days in profile.training
                    )
                    + (
                        renewal(today, *profile.renewed_last_quarter, jitter)
                        if profile.renewed_last_quarter
                        else ()
                    ),
                    waiver=profile.waiver,
                    profile=profile.name,
                )
            )
    return people
