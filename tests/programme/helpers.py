"""Shared arrangements for the programme and review tests."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group

from core.access import AccessGroup
from people.models import Team
from programme.models import Session
from tests.factories import ColleagueFactory, UserFactory
from training.models import Course

LONDON = ZoneInfo("Europe/London")
# Every signed-in page: the session, the user, their second-factor device, and saving the
# session again (savepoint, update, release: sessions end after 30 idle minutes).
REQUEST_QUERIES = 6
D = dt.date.fromisoformat


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A wall-clock time in London on an ISO date."""
    return dt.datetime.combine(D(day), dt.time(hour, minute), tzinfo=LONDON)


def user_in(group: str, username: str, **kwargs):
    user = UserFactory(username=username, **kwargs)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def hr_user(username: str = "hr-officer"):
    return user_in(AccessGroup.HR, username, first_name="Hana", last_name="Reid")


def team_with_manager(name: str, username: str):
    """A team, its manager (a colleague with a login in the Manager group) and that login."""
    team = Team.objects.create(name=name)
    user = user_in(AccessGroup.MANAGER, username)
    manager = ColleagueFactory(team=team, user=user, first_name="Mona", last_name=f"Manager {name}")
    team.manager = manager
    team.save(update_fields=["manager"])
    return team, manager, user


def session_on(
    starts_at: dt.datetime, course: str = "SHUK-HATE", capacity: int = 10, hours: int = 3, **kwargs
) -> Session:
    defaults = {"venue": "Civic Centre, Room 2", "facilitator": "Sam Trainer", "provider": "Stop Hate UK"}
    return Session.objects.create(
        course=Course.objects.get(code=course),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        capacity=capacity,
        **{**defaults, **kwargs},
    )
