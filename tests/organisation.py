"""A small organisation for the access and dashboard tests: two teams, their managers and every other role.

Today is 1 June 2026 (time_machine). What each officer stands at today:

| who | team | role | facts | today |
|---|---|---|---|---|
| N1 | North | NHO | BTEC2 2020-06-01, refresher 2024-03-01 | refresher overdue (due 2026-03-01) |
| N2 | North | NHO | started 2025-09-01, no training | both pending (due 2026-09-01), supervised |
| N3 | North | CSO | BTEC3 2019-06-01, SHUK-HATE 2024-07-15 | refresher due soon (2026-07-15) |
| N4 | North | NHO | left 2026-01-01 | not active |
| S1 | South | NHO | BTEC2 2018-05-01, refresher 2025-05-01 | compliant |
| S2 | South | NHO | started 2024-01-01, no training | both overdue (due 2025-01-01) |

N0 manages North (user "north"), S0 manages South (user "south"); the user
"colleague" is N1.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import Group

from core.access import AccessGroup
from people.models import Colleague, Role, Team
from tests.factories import ColleagueFactory, TeamFactory, UserFactory, record

TODAY = dt.date(2026, 6, 1)
D = dt.date.fromisoformat
PASSWORD = "correct-horse-battery"

# Noon in London (BST) on TODAY: the clock the tests travel to.
NOW = dt.datetime(2026, 6, 1, 11, 0, tzinfo=dt.UTC)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Org:
    north: Team
    south: Team
    people: dict[str, Colleague]
    users: dict  # role name -> user (None: anonymous)


def user_in(username: str, group: str, colleague: Colleague | None = None, **extra):
    user = UserFactory(username=username, **extra)
    user.groups.add(Group.objects.get(name=group))
    if colleague is not None:
        colleague.user = user
        colleague.save(update_fields=["user"])
    return user


def build_org() -> Org:
    Role.objects.get_or_create(code="NM", defaults={"name": "Neighbourhood Manager"})
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    n0 = ColleagueFactory(
        employee_number="N0", first_name="Nadia", last_name="Hussain", team=north, role="NM"
    )
    s0 = ColleagueFactory(
        employee_number="S0", first_name="Steve", last_name="Richards", team=south, role="NM"
    )
    north.manager, south.manager = n0, s0
    north.save()
    south.save()

    def officer(number, first, last, team, manager, role, start, **kw):
        return ColleagueFactory(
            employee_number=number,
            first_name=first,
            last_name=last,
            team=team,
            line_manager=manager,
            role=role,
            start_date=D(start),
            **kw,
        )

    people = {"N0": n0, "S0": s0}
    people["N1"] = officer("N1", "Amira", "Ahmed", north, n0, "NHO", "2020-01-01")
    record(people["N1"], "BTEC2-CSC", "2020-06-01")
    record(people["N1"], "HC-REFRESHER", "2024-03-01")
    people["N2"] = officer("N2", "Ben", "Bennett", north, n0, "NHO", "2025-09-01")
    people["N3"] = officer("N3", "Chloe", "Carter", north, n0, "CSO", "2019-01-01")
    record(people["N3"], "BTEC3-CSCNM", "2019-06-01")
    record(people["N3"], "SHUK-HATE", "2024-07-15")
    people["N4"] = officer(
        "N4", "Dev", "Davies", north, n0, "NHO", "2020-01-01", leaving_date=D("2026-01-01")
    )
    people["S1"] = officer("S1", "Ella", "Evans", south, s0, "NHO", "2018-01-01")
    record(people["S1"], "BTEC2-CSC", "2018-05-01")
    record(people["S1"], "HC-REFRESHER", "2025-05-01")
    people["S2"] = officer("S2", "Femi", "Fraser", south, s0, "NHO", "2024-01-01")

    users = {
        "anonymous": None,
        "hr": user_in("hr", AccessGroup.HR),
        "north": user_in("north", AccessGroup.MANAGER, n0),
        "south": user_in("south", AccessGroup.MANAGER, s0),
        "auditor": user_in("auditor", AccessGroup.AUDITOR),
        "policy": user_in("policy", AccessGroup.POLICY_OWNER),
        "colleague": user_in("colleague", AccessGroup.COLLEAGUE, people["N1"]),
    }
    return Org(north=north, south=south, people=people, users=users)


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client
