"""Invitations that follow need: who a session is proposed to, in what order, at what cost."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.selectors import catalogue_load
from people.models import Colleague, Role
from programme.enums import BookingStatus
from programme.models import Booking
from programme.selectors import session_candidates
from tests.factories import ColleagueFactory, record

from .helpers import LONDON, D, at, session_on

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _first_of_june_2026():
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def officers(reference):
    """Officers in every situation the proposal must tell apart (session on 14 July 2026)."""
    o = {}
    o["overdue"] = ColleagueFactory(role="CSO", last_name="Overdue", start_date=D("2020-01-01"))
    record(o["overdue"], "BTEC3-CSCNM", "2021-01-01")
    record(o["overdue"], "HC-REFRESHER", "2024-05-01")  # refresher due 2026-05-01
    o["due_soon"] = ColleagueFactory(role="NHO", last_name="Soon", start_date=D("2020-01-01"))
    record(o["due_soon"], "BTEC2-CSC", "2021-01-01")
    record(o["due_soon"], "SHUK-HATE", "2024-08-20")  # due 2026-08-20: due soon by 14 July
    o["new_starter"] = ColleagueFactory(role="NHO", last_name="Starter", start_date=D("2026-03-01"))
    o["compliant"] = ColleagueFactory(role="NHO", last_name="Current", start_date=D("2020-01-01"))
    record(o["compliant"], "BTEC2-CSC", "2021-01-01")
    record(o["compliant"], "HC-REFRESHER", "2025-06-01")  # due 2027-06-01
    o["leaver"] = ColleagueFactory(role="CSO", last_name="Leaver", start_date=D("2020-01-01"))
    o["leaver"].leaving_date = D("2026-06-30")
    o["leaver"].save()
    o["no_requirement"] = ColleagueFactory(last_name="Neighbourhood Manager", start_date=D("2020-01-01"))
    Role.objects.create(code="NM", name="Neighbourhood Manager")
    o["booked_elsewhere"] = ColleagueFactory(role="CSO", last_name="Elsewhere", start_date=D("2020-01-01"))
    record(o["booked_elsewhere"], "HC-REFRESHER", "2024-01-01")
    o["booked_here"] = ColleagueFactory(role="CSO", last_name="Here", start_date=D("2020-01-01"))
    record(o["booked_here"], "HC-REFRESHER", "2024-02-01")
    return o


def book(session, colleague, status=BookingStatus.BOOKED):
    return Booking.objects.create(
        session=session, colleague=colleague, status=status, uid=f"{session.pk}-{colleague.pk}"
    )


def test_candidates_rank_by_due_date_and_leave_out_those_booked_or_up_to_date(officers):
    session = session_on(at("2026-07-14"), capacity=10)
    book(session, officers["booked_here"])
    book(
        session_on(at("2026-09-08"), course="HC-REFRESHER"),
        officers["booked_elsewhere"],
        BookingStatus.WAITLISTED,
    )

    proposed = session_candidates(session=session, colleagues=Colleague.objects.all())

    assert [(c.name.split()[-1], c.requirement, c.status, c.due_date) for c in proposed] == [
        ("Overdue", "HATE-REFRESHER", "overdue", D("2026-05-01")),
        ("Soon", "HATE-REFRESHER", "due_soon", D("2026-08-20")),
        ("Starter", "HATE-REFRESHER", "pending", D("2027-03-01")),
    ]


def test_candidates_stop_at_the_free_places(officers):
    session = session_on(at("2026-07-14"), capacity=3)
    book(session, officers["booked_here"])
    book(session, officers["compliant"], BookingStatus.ATTENDED)  # takes a place too

    proposed = session_candidates(session=session, colleagues=Colleague.objects.all())

    # Two places of three are taken; the one left goes to the longest overdue.
    assert [c.name.split()[-1] for c in proposed] == ["Elsewhere"]


def test_candidates_of_a_cancelled_booking_come_back(officers):
    session = session_on(at("2026-07-14"), capacity=10)
    book(session, officers["booked_here"], BookingStatus.CANCELLED)

    proposed = session_candidates(session=session, colleagues=Colleague.objects.all())

    assert [c.name.split()[-1] for c in proposed][:3] == ["Elsewhere", "Here", "Overdue"]


def test_candidates_for_a_btec_cohort_follow_the_qualification_first(officers):
    # BTEC2-CSC meets BTEC-L2 (NHO) and the refresher; the starter's qualification and
    # induction-year refresher share a due date: the qualification is the need shown.
    session = session_on(at("2026-07-14"), course="BTEC2-CSC", capacity=10)

    proposed = session_candidates(session=session, colleagues=Colleague.objects.all())

    assert [(c.name.split()[-1], c.requirement, c.due_date) for c in proposed] == [
        ("Elsewhere", "HATE-REFRESHER", D("2026-01-01")),
        ("Here", "HATE-REFRESHER", D("2026-02-01")),
        ("Overdue", "HATE-REFRESHER", D("2026-05-01")),
        ("Soon", "HATE-REFRESHER", D("2026-08-20")),
        ("Starter", "BTEC-L2", D("2027-03-01")),
    ]


def test_candidates_are_only_the_colleagues_in_scope(officers):
    session = session_on(at("2026-07-14"), capacity=10)
    scope = Colleague.objects.filter(pk__in=[officers["due_soon"].pk, officers["compliant"].pk])

    proposed = session_candidates(session=session, colleagues=scope)

    assert [c.colleague_id for c in proposed] == [officers["due_soon"].pk]


@pytest.mark.parametrize("count", [1, 50])
def test_candidates_cost_a_fixed_number_of_queries(reference, count):
    for _ in range(count):
        c = ColleagueFactory(role="CSO", start_date=D("2020-01-01"))
        record(c, "HC-REFRESHER", "2024-01-01")
    session = session_on(at("2026-07-14"), capacity=100)
    catalogue = catalogue_load()
    with CaptureQueriesContext(connection) as ctx:
        proposed = session_candidates(
            session=session, colleagues=Colleague.objects.all(), catalogue=catalogue
        )
    # places taken 1; bookings elsewhere 1; facts: role and course codes, role assignments,
    # training records, waivers, colleagues 6.
    assert len(ctx.captured_queries) == 8
    assert len(proposed) == count
