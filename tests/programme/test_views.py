"""The programme's pages: scoping, the coverage figures and query counts."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programme.enums import BookingStatus, NeedKind, SessionStatus
from programme.models import Booking
from programme.services import bookings_create
from tests.factories import ColleagueFactory, UserFactory, record

from .helpers import LONDON, REQUEST_QUERIES, D, at, hr_user, session_on, team_with_manager

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _first_of_june_2026():
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def two_teams(reference):
    north, _, north_user = team_with_manager("North", "north-manager")
    south, _, south_user = team_with_manager("South", "south-manager")
    n1 = ColleagueFactory(role="CSO", team=north, last_name="Northern", start_date=D("2020-01-01"))
    record(n1, "HC-REFRESHER", "2024-05-01")
    s1 = ColleagueFactory(role="CSO", team=south, last_name="Southern", start_date=D("2020-01-01"))
    record(s1, "HC-REFRESHER", "2024-04-01")
    return {"north_user": north_user, "south_user": south_user, "n1": n1, "s1": s1}


def test_manager_is_proposed_and_books_only_their_own_colleagues(client, two_teams):
    session = session_on(at("2026-07-14"))
    client.force_login(two_teams["north_user"])
    page = client.get(reverse("programme:session_detail", args=[session.pk]))
    assert [c.colleague_id for c in page.context["candidates"]] == [two_teams["n1"].pk]

    response = client.post(
        reverse("programme:session_book", args=[session.pk]), {"colleague": [two_teams["n1"].pk]}
    )
    assert response.status_code == 302
    assert list(Booking.objects.values_list("colleague_id", "status")) == [(two_teams["n1"].pk, "booked")]


def test_manager_cannot_book_another_teams_colleague(client, two_teams):
    session = session_on(at("2026-07-14"))
    client.force_login(two_teams["north_user"])
    response = client.post(
        reverse("programme:session_book", args=[session.pk]),
        {"colleague": [two_teams["n1"].pk, two_teams["s1"].pk]},
    )
    assert response.status_code == 404
    assert Booking.objects.count() == 0


def test_manager_cannot_cancel_another_teams_booking_nor_keep_the_register(client, two_teams):
    session = session_on(at("2026-07-14"))
    south_booking, north_booking = bookings_create(
        session=session, colleagues=[two_teams["s1"], two_teams["n1"]]
    )
    client.force_login(two_teams["north_user"])
    assert client.post(reverse("programme:booking_cancel", args=[south_booking.pk])).status_code == 404
    assert (
        client.post(
            reverse("programme:booking_attendance", args=[north_booking.pk]), {"outcome": "attended"}
        ).status_code
        == 403
    )
    page = client.get(reverse("programme:session_detail", args=[session.pk]))
    assert [b.colleague_id for b in page.context["bookings"]] == [two_teams["n1"].pk]
    assert set(Booking.objects.values_list("status", flat=True)) == {BookingStatus.BOOKED}


def test_bad_booking_input_is_a_400_not_a_500(client, two_teams):
    session = session_on(at("2026-07-14"))
    client.force_login(hr_user())
    response = client.post(reverse("programme:session_book", args=[session.pk]), {"colleague": ["x"]})
    # The site's page for a request it cannot read (templates/400.html), not a bare line of text.
    assert (response.status_code, response.templates[0].name) == (400, "400.html")
    booking = bookings_create(session=session, colleagues=[two_teams["n1"]])[0]
    response = client.post(reverse("programme:booking_attendance", args=[booking.pk]), {"outcome": "maybe"})
    assert (response.status_code, response.templates[0].name) == (400, "400.html")
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.BOOKED


def test_someone_without_a_role_sees_sessions_but_books_nobody(client, two_teams):
    session = session_on(at("2026-07-14"))
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("programme:session_list")).status_code == 200
    assert (
        client.post(reverse("programme:session_book", args=[session.pk]), {"colleague": [1]}).status_code
        == 403
    )
    assert client.get(reverse("programme:coverage")).status_code == 403


def test_hr_changes_a_session_from_its_page(client, two_teams):
    session = session_on(at("2026-07-14"), capacity=4)
    client.force_login(hr_user())
    response = client.post(
        reverse("programme:session_edit", args=[session.pk]),
        {
            "date": "2026-07-21",
            "start_time": "14:00",
            "end_time": "16:00",
            "venue": "Town Hall",
            "online_link": "",
            "facilitator": "Sam Trainer",
            "capacity": "6",
            "provider": "Stop Hate UK",
            "notes": "",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at, session.venue, session.capacity) == (
        at("2026-07-21", 14),
        at("2026-07-21", 16),
        "Town Hall",
        6,
    )
    response = client.post(reverse("programme:session_cancel", args=[session.pk]))
    session.refresh_from_db()
    assert (response.status_code, session.status) == (302, SessionStatus.CANCELLED)


def officers_due(count, team=None):
    for _ in range(count):
        c = ColleagueFactory(role="NHO", start_date=D("2020-01-01"), **({"team": team} if team else {}))
        record(c, "BTEC2-CSC", "2021-01-01")
        record(c, "SHUK-HATE", "2024-07-01")


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("count", [1, 50])
def test_session_list_costs_the_same_for_1_and_50_sessions(client, reference, count):
    for i in range(count):
        session_on(at("2026-07-01") + dt.timedelta(days=i))
    client.force_login(hr_user())
    queries, response = queries_for(client, reverse("programme:session_list"))
    # groups (access), the page count, sessions with their places and courses
    assert queries == REQUEST_QUERIES + 3
    assert len(response.context["sessions"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_session_page_costs_the_same_for_1_and_50_bookings(client, reference, count):
    session = session_on(at("2026-07-14"), capacity=100)
    officers_due(count + 3)
    bookings_create(session=session, colleagues=list(ColleagueFactory._meta.model.objects.all()[:count]))
    client.force_login(hr_user())
    queries, response = queries_for(client, reverse("programme:session_detail", args=[session.pk]))
    # groups; session with places; catalogue 7; bookings elsewhere 1; facts 6; bookings 1
    assert queries == REQUEST_QUERIES + 17
    assert (len(response.context["bookings"]), len(response.context["candidates"])) == (count, 3)


@pytest.mark.parametrize("count", [1, 50])
def test_coverage_page_costs_the_same_for_1_and_50_colleagues(client, reference, count):
    officers_due(count)
    for i in range(count):
        session_on(at("2026-07-01") + dt.timedelta(days=i))
    client.force_login(hr_user())
    queries, response = queries_for(client, reverse("programme:coverage"))
    # groups; catalogue 7; facts 6; sessions 1
    assert queries == REQUEST_QUERIES + 15
    assert response.context["coverage"].kinds[0].total.months[1] == count


def test_coverage_counts_what_falls_due_per_team_against_the_places_planned(client, reference):
    north, _, _ = team_with_manager("North", "north-manager")
    south, _, _ = team_with_manager("South", "south-manager")
    a = ColleagueFactory(role="CSO", team=north, start_date=D("2020-01-01"))
    record(a, "HC-REFRESHER", "2024-05-01")  # refresher overdue since 1 May 2026
    b = ColleagueFactory(role="NHO", team=north, start_date=D("2020-01-01"))
    record(b, "BTEC2-CSC", "2021-01-01")
    record(b, "SHUK-HATE", "2024-08-20")  # refresher due 20 Aug 2026
    ColleagueFactory(
        role="NHO", team=north, start_date=D("2026-03-01")
    )  # BTEC-L2 and refresher due 1 Mar 2027
    d = ColleagueFactory(role="NHO", team=south, start_date=D("2020-01-01"))
    record(d, "BTEC2-CSC", "2021-01-01")
    record(d, "HC-REFRESHER", "2024-06-15")  # due 15 Jun 2026
    e = ColleagueFactory(role="NHO", team=south, start_date=D("2020-01-01"), leaving_date=D("2026-07-31"))
    record(e, "BTEC2-CSC", "2021-01-01")
    record(e, "HC-REFRESHER", "2024-09-01")  # due after they leave: needs no place
    f = ColleagueFactory(role="NHO", team=south, start_date=D("2020-01-01"))
    record(f, "BTEC2-CSC", "2021-01-01")
    record(f, "HC-REFRESHER", "2025-07-01")  # due July 2027: after the plan
    june = session_on(at("2026-06-20"), capacity=10)
    bookings_create(session=june, colleagues=[d])
    session_on(at("2026-09-15"), course="BTEC2-CSC", capacity=8)
    session_on(at("2026-07-14"), capacity=12, status=SessionStatus.CANCELLED)
    session_on(at("2026-05-20"), course="HC-REFRESHER", capacity=12)  # already held

    client.force_login(hr_user())
    response = client.get(reverse("programme:coverage"))

    coverage = response.context["coverage"]
    assert [m.isoformat() for m in coverage.months[:4]] == [
        "2026-06-01",
        "2026-07-01",
        "2026-08-01",
        "2026-09-01",
    ]
    refreshers, qualifications = coverage.kinds
    assert (refreshers.kind, qualifications.kind) == (NeedKind.REFRESHER, NeedKind.QUALIFICATION)
    assert [(r.team, r.overdue, r.months, r.total) for r in refreshers.rows] == [
        ("North", 1, [0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0], 3),
        ("South", 0, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 1),
    ]
    assert (refreshers.sessions, refreshers.places, refreshers.booked) == (
        [1] + [0] * 11,
        [10] + [0] * 11,
        [1] + [0] * 11,
    )
    assert refreshers.gap == [0] * 12
    # a (CSO) never held the BTEC level 3: overdue since 2021.
    assert [(r.team, r.overdue, r.months, r.total) for r in qualifications.rows] == [
        ("North", 1, [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0], 2)
    ]
    assert (qualifications.sessions[3], qualifications.places[3], sum(qualifications.places)) == (1, 8, 8)
    assert qualifications.gap == [1, 1, 1] + [0] * 9
    html = response.content.decode()
    assert "<td>North</td><td>1</td><td>0</td><td>0</td><td>1</td>" in html
