"""An organisation small enough to reason about: teams, a manager's login, officers by due date."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group

from compliance.enums import WaiverKind
from compliance.models import Requirement, Waiver
from core.access import AccessGroup
from tests.factories import ColleagueFactory, TeamFactory, UserFactory, record

LONDON = ZoneInfo("Europe/London")


def morning(day: dt.date) -> dt.datetime:
    """07:00 in London, when beat runs the daily task."""
    return dt.datetime.combine(day, dt.time(7, 0), tzinfo=LONDON)


def officer_due_on(due: dt.date, **kwargs):
    """An NHO whose BTEC is done and whose hate-crime refresher is due on `due` (2 years after the last)."""
    last = dt.date(due.year - 2, due.month, due.day)
    colleague = ColleagueFactory(role="NHO", start_date=last - dt.timedelta(days=400), **kwargs)
    record(colleague, "BTEC2-CSC", last - dt.timedelta(days=200))
    record(colleague, "HC-REFRESHER", last)
    return colleague


def exempt(colleague, requirement: str, starts_on: dt.date) -> Waiver:
    return Waiver.objects.create(
        colleague=colleague,
        requirement=Requirement.objects.get(code=requirement),
        kind=WaiverKind.EXEMPTION,
        reason="Long-term sickness",
        approved_by="Head of HR",
        approved_on=starts_on,
        starts_on=starts_on,
    )


def manager_of(team_name: str, username: str, group: str = AccessGroup.MANAGER):
    """A manager's login, their colleague record, and the team they manage."""
    user = UserFactory(username=username, first_name=username.title(), last_name="Manager")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    team = TeamFactory(name=team_name)
    me = ColleagueFactory(user=user, team=team, email=f"{username}@example.org")
    team.manager = me
    team.save()
    return user, team
