"""/me/ costs the same number of queries for a colleague with 1 record or 20 (records, sessions, bookings, requests)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.enums import WaiverKind
from compliance.models import Requirement
from core.access import AccessGroup
from programme import services as programme_services
from tests.factories import ColleagueFactory, record
from tests.organisation import D, client_for, user_in
from tests.programme.helpers import at, session_on
from workspace import services as workspace_services

pytestmark = pytest.mark.django_db

# Every signed-in page: the session, the user, their groups, and saving the session (savepoint,
# update, release): 6. The account's colleague record: 1. colleague_record: the catalogue (7), the
# facts (6), course titles, waivers, case types, roles, training and its evidence, the change
# history (4 histories and 3 label maps): 26. /me/'s own: the courses that count, the open sessions
# with their places, my bookings, my requests (4), and what is in hand as the managers' lists say
# it (dashboard.selectors.in_hand: courses that count, bookings, nudges, pending requests: 4).
QUERIES = 41


def colleague_with(count: int):
    person = ColleagueFactory(employee_number="Q1", role="NHO", start_date=D("2015-01-01"))
    user = user_in("q1", AccessGroup.COLLEAGUE, person)
    record(person, "BTEC2-CSC", "2015-06-01")
    refresher = Requirement.objects.get(code="HATE-REFRESHER")
    for i in range(count):
        record(person, "HC-REFRESHER", (D("2016-01-10") + dt.timedelta(days=40 * i)).isoformat())
        session = session_on(at("2026-07-01") + dt.timedelta(days=i))
        programme_services.bookings_create(session=session, colleagues=[person])
        workspace_services.waiver_request_submit(
            colleague=person,
            requirement=refresher,
            kind=WaiverKind.EXTENSION,
            new_due_date=D("2030-01-01"),
            reason=f"Reason {i}.",
            by=user,
        )
    return user


@pytest.mark.parametrize("count", [1, 20])
def test_my_page_queries_do_not_grow_with_my_records(client, org, count):
    client = client_for(client, colleague_with(count))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/me/")
    assert response.status_code == 200
    page = response.content.decode()
    # Each booking once in my list, the first three again under the requirement they count for.
    assert page.count('action="/me/bookings/') == count + min(count, 3)
    assert len(ctx.captured_queries) == QUERIES
