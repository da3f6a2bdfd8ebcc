"""The organisation the sign-in tests sign people in to."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import ColleagueFactory, TeamFactory


@pytest.fixture
def org(reference):
    """A manager (M) over a team leader (L) over an officer (O); HR (H); a leaver (X) who left a month ago."""
    team = TeamFactory(name="East")
    m = ColleagueFactory(employee_number="M1", email="Mona.Manager@example.org", team=team)
    lead = ColleagueFactory(employee_number="L1", email="lee.lead@example.org", team=team, line_manager=m)
    o = ColleagueFactory(employee_number="O1", email="omar.officer@example.org", team=team, line_manager=lead)
    h = ColleagueFactory(employee_number="H1", email="hana.hr@example.org")
    x = ColleagueFactory(
        employee_number="X1",
        email="xavier.left@example.org",
        leaving_date=timezone.localdate() - dt.timedelta(days=30),
    )
    return {"M": m, "L": lead, "O": o, "H": h, "X": x}
