import datetime as dt
import os

import pytest
from django.test import Client

from compliance import selectors
from compliance.models import Requirement, Waiver
from integrations import services
from integrations.services import api_client_issue
from tests.factories import ColleagueFactory, TeamFactory, record

# The real Celery worker is a separate process started once per session: it
# reads its retry backoff from the environment, set here before it starts.
os.environ.setdefault("WEBHOOK_RETRY_BASE_SECONDS", "1")

D = dt.date.fromisoformat
CASE = "hate_crime"


@pytest.fixture(autouse=True)
def _fresh_catalogue():
    """The API caches the catalogue and the keys it has seen per process; each test's database has its own."""
    selectors.catalogue_forget()
    services._known_keys.clear()
    yield
    selectors.catalogue_forget()
    services._known_keys.clear()


@pytest.fixture
def token(db):
    _, key = api_client_issue(name="case-system")
    return key


@pytest.fixture
def api(token):
    """A machine client with the default scope (eligibility)."""
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


@pytest.fixture
def policies_api(db):
    _, key = api_client_issue(name="policy-reader", scopes="eligibility,policies")
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def spec_people(reference):
    """Colleagues A, B and C of docs/rules.md §3.4, in one team."""
    team = TeamFactory(name="Contract Team")
    a = ColleagueFactory(
        employee_number="E990001",
        first_name="Ada",
        last_name="Ashworth",
        role="NHO",
        start_date=D("2026-01-10"),
        team=team,
    )
    b = ColleagueFactory(
        employee_number="E990002",
        first_name="Ben",
        last_name="Birch",
        role="CSO",
        start_date=D("2020-05-01"),
        team=team,
    )
    record(b, "BTEC3-CSCNM", "2021-03-01")
    record(b, "HC-REFRESHER", "2024-04-30")
    c = ColleagueFactory(
        employee_number="E990003",
        first_name="Cara",
        last_name="Cole",
        role="NHO",
        start_date=D("2026-03-01"),
        team=team,
    )
    record(c, "BTEC3-CSCNM", "2019-06-01")
    return {"A": a, "B": b, "C": c}


def exemption(colleague, code: str, starts: str = "2026-01-01"):
    return Waiver.objects.create(
        colleague=colleague,
        requirement=Requirement.objects.get(code=code),
        kind="exemption",
        reason="Long-term sickness",
        approved_by="HR Director",
        approved_on=D(starts),
        starts_on=D(starts),
    )
