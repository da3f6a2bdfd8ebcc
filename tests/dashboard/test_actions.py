"""Managers act from the list: book the ticked colleagues onto a session, nudge them; refusals write nothing.

Today is 1 June 2026 (tests/organisation.py): N1 (North) is overdue on
HATE-REFRESHER, N3 (North) is due soon on it, S2 (South) is overdue on both.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from compliance.changes import changes_drain
from compliance.models import Requirement
from dashboard.selectors.in_hand import in_hand
from dashboard.services import summary_rebuild
from programme.enums import BookingStatus, SessionStatus
from programme.models import Booking, Session
from reminders.models import Nudge
from tests.factories import ColleagueFactory
from tests.organisation import TODAY, client_for
from training.models import Course

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def session_on(day: str, course: str = "SHUK-HATE", capacity: int = 10, **extra) -> Session:
    start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10), tzinfo=LONDON)
    return Session.objects.create(
        course=Course.objects.get(code=course),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        capacity=capacity,
        venue="Civic Centre",
        **extra,
    )


def counts() -> tuple[int, int, int]:
    return Booking.objects.count(), Nudge.objects.count(), len(mail.outbox)


@pytest.fixture
def north(org, client):
    summary_rebuild(day=TODAY)
    changes_drain()
    return client_for(client, org.users["north"])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def act(client, *picks, action, next="/overdue/"):
    return client.post("/actions/", {"pick": list(picks), "action": action, "next": next}, follow=True)


def book(client, session, *picks, waiting_list=False, next="/overdue/"):
    data = {"pick": list(picks), "session": session.pk, "next": next}
    if waiting_list:
        data["waiting_list"] = "1"
    return client.post("/actions/book/", data, follow=True)


# ---------------------------------------------------------------- booking


def test_book_offers_the_sessions_to_come_of_a_course_that_counts(north):
    good = session_on("2026-07-01")
    session_on("2026-05-01")  # past
    session_on("2026-07-08", status=SessionStatus.CANCELLED)
    session_on("2026-07-15", course="BTEC3-CSCNM")  # counts for HATE-REFRESHER too
    response = act(north, "N1|HATE-REFRESHER", action="book")
    assert response.status_code == 200
    offered = [s for s, _ in response.context["sessions"]]
    assert [s.starts_at.date().isoformat() for s in offered] == ["2026-07-01", "2026-07-15"]
    assert offered[0] == good
    assert "Amira Ahmed" in response.content.decode()


def test_booking_shows_on_the_list_at_once(north):
    session = session_on("2026-07-01")
    before = counts()
    response = book(north, session, "N1|HATE-REFRESHER", "N3|HATE-REFRESHER")
    assert messages_of(response) == [
        "Booked Amira Ahmed and Chloe Carter onto Stop Hate UK hate-related training session on Wed 1 Jul 2026, 10:00."
    ]
    assert Booking.objects.count() == before[0] + 2
    page = north.get("/overdue/?status=any").content.decode()
    assert page.count("booked 1 Jul") == 2
    # Booking again leaves them as they were.
    response = book(north, session, "N1|HATE-REFRESHER")
    assert messages_of(response) == ["Amira Ahmed already on this session's list: left as they were."]


def test_a_full_session_is_refused_unless_the_waiting_list_is_chosen(north):
    session = session_on("2026-07-01", capacity=1)
    before = counts()
    response = book(north, session, "N1|HATE-REFRESHER", "N3|HATE-REFRESHER")
    assert messages_of(response) == [
        "Stop Hate UK hate-related training session on Wed 1 Jul 2026, 10:00 has 1 place left for 2: choose another session,"
        " or put them on its waiting list. Nobody was booked."
    ]
    assert counts() == before
    response = book(north, session, "N1|HATE-REFRESHER", "N3|HATE-REFRESHER", waiting_list=True)
    assert messages_of(response) == [
        "Booked Amira Ahmed onto Stop Hate UK hate-related training session on Wed 1 Jul 2026, 10:00.",
        "Chloe Carter on the waiting list for Stop Hate UK hate-related training session on Wed 1 Jul 2026, 10:00.",
    ]
    assert dict(Booking.objects.values_list("colleague__employee_number", "status")) == {
        "N1": BookingStatus.BOOKED,
        "N3": BookingStatus.WAITLISTED,
    }
    assert "waiting list 1 Jul" in north.get("/overdue/?status=any").content.decode()


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (
            lambda: session_on("2026-07-08", status=SessionStatus.CANCELLED),
            "Stop Hate UK hate-related training session on Wed 8 Jul 2026, 10:00 has been cancelled: nobody was booked.",
        ),
        (
            lambda: session_on("2026-05-01"),
            "Stop Hate UK hate-related training session on Fri 1 May 2026, 10:00 has already started: nobody was booked.",
        ),
        (
            lambda: session_on("2026-07-01", course="HC-REFRESHER"),
            None,  # HC-REFRESHER counts for HATE-REFRESHER, but not for BTEC-L2 (below)
        ),
    ],
)
def test_refused_sessions_write_nothing(north, make, said):
    session = make()
    before = counts()
    picks = ["N1|HATE-REFRESHER"] if said else ["N2|BTEC-L2"]
    response = book(north, session, *picks)
    expected = said or "HC-REFRESHER does not count for BTEC-L2: choose a session of another course."
    assert messages_of(response) == [expected]
    assert counts() == before


def test_another_teams_colleague_is_refused_and_nothing_is_written(north):
    session = session_on("2026-07-01")
    before = counts()
    for response in (
        book(north, session, "N1|HATE-REFRESHER", "S2|HATE-REFRESHER"),
        act(north, "N1|HATE-REFRESHER", "S2|HATE-REFRESHER", action="nudge"),
    ):
        assert response.status_code == 400
        assert response.context["errors"] == ["“S2” is not one of the colleagues you look after."]
        assert "Femi" not in response.content.decode()
    assert counts() == before


def test_nothing_ticked_or_a_bad_pick_says_so(north):
    response = act(north, action="nudge")
    assert messages_of(response) == ["Tick at least one colleague first: nothing was done."]
    response = act(north, "N1", "N1|NO-SUCH", action="nudge")
    assert response.status_code == 400
    assert response.context["errors"] == [
        "“N1” is not a colleague and requirement.",
        "“NO-SUCH” is not a requirement.",
    ]
    response = north.post("/actions/book/", {"pick": ["N1|HATE-REFRESHER"], "session": "x"})
    assert response.status_code == 400
    assert counts() == (0, 0, 0)


def test_next_never_leaves_the_site(north):
    response = north.post(
        "/actions/", {"pick": ["N1|HATE-REFRESHER"], "action": "nudge", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/overdue/"


# ---------------------------------------------------------------- nudges


def test_a_nudge_is_sent_once_a_colleague_requirement_and_day(north, org):
    response = act(north, "N1|HATE-REFRESHER", "N3|HATE-REFRESHER", action="nudge")
    assert messages_of(response) == [
        "Nudge sent to Amira Ahmed (Hate crime refresher every two years); Chloe Carter (Hate crime refresher every two years)."
    ]
    assert sorted(m.to[0] for m in mail.outbox) == [
        org.people["N1"].email,
        org.people["N3"].email,
    ]
    assert "Nadia Hussain asks you to book" in mail.outbox[0].subject
    amira = next(m for m in mail.outbox if m.to == [org.people["N1"].email])
    assert "- Hate crime refresher every two years (HATE-REFRESHER): due by 1 Mar 2026" in amira.body
    response = act(north, "N1|HATE-REFRESHER", action="nudge")
    assert messages_of(response) == [
        "Already nudged today, so not sent again: Amira Ahmed (Hate crime refresher every two years)."
    ]
    assert len(mail.outbox) == 2
    assert Nudge.objects.count() == 2
    assert north.get("/overdue/?status=any").content.decode().count("nudged today") == 2


def test_another_manager_of_the_team_finds_it_nudged(north, org, client):
    act(north, "N1|HATE-REFRESHER", action="nudge")
    client.force_login(org.users["hr"])
    response = act(client, "N1|HATE-REFRESHER", action="nudge")
    assert messages_of(response) == [
        "Already nudged today, so not sent again: Amira Ahmed (Hate crime refresher every two years)."
    ]
    assert len(mail.outbox) == 1


def test_a_colleague_without_email_is_named(north, org):
    org.people["N3"].email = ""
    org.people["N3"].save(update_fields=["email"])
    response = act(north, "N3|HATE-REFRESHER", action="nudge")
    assert messages_of(response) == ["No email address on record for Chloe Carter: nothing sent to them."]
    assert counts() == (0, 0, 0)


# ---------------------------------------------------------------- the three places


def test_the_list_matrix_and_dashboard_offer_the_action_bar_to_managers_only(north, org, client):
    for url in ("/overdue/", "/matrix/", "/"):
        page = north.get(url).content.decode()
        assert 'id="actions"' in page, url
        assert 'value="N1|HATE-REFRESHER" form="actions"' in page, url
    client.force_login(org.users["auditor"])
    for url in ("/overdue/", "/matrix/", "/"):
        assert 'id="actions"' not in client.get(url).content.decode(), url
    assert client.post("/actions/", {"pick": ["N1|HATE-REFRESHER"], "action": "nudge"}).status_code == 403
    assert counts() == (0, 0, 0)


def test_the_dashboard_names_the_first_few_and_links_to_the_rest(org, client):
    for i in range(7):
        ColleagueFactory(
            employee_number=f"X{i}",
            first_name="Extra",
            last_name=f"Officer{i}",
            team=org.north,
            line_manager=org.people["N0"],
            role="NHO",
            start_date=dt.date(2024, 1, 1),
        )
    summary_rebuild(day=TODAY)
    changes_drain()
    client_for(client, org.users["north"])
    response = client.get("/")
    overdue = response.context["named_cards"][0]
    assert overdue[0] == "overdue"
    assert len(overdue[1]) == 5  # the first few
    assert overdue[2] == 8  # N1 and the seven
    page = response.content.decode()
    assert "All 8 colleagues overdue" in page
    assert 'href="/overdue/?status=overdue"' in page
    assert "Chloe Carter" in page  # due soon, named
    # What each is overdue or due soon with, in words, the code as a hint.
    assert (
        'form="actions"> Hate crime refresher every two years <span class="muted">HATE-REFRESHER</span>, due'
        in page
    )


def test_the_matrix_shows_what_is_in_hand(north):
    book(north, session_on("2026-07-01"), "N1|HATE-REFRESHER")
    act(north, "N3|HATE-REFRESHER", action="nudge")
    page = north.get("/matrix/").content.decode()
    assert "booked 1 Jul" in page
    assert "nudged today" in page


# ---------------------------------------------------------------- in hand: a fixed number of queries


@pytest.mark.parametrize("count", [1, 50])
def test_what_is_in_hand_costs_the_same_for_1_or_50_colleagues(org, client, count):
    from compliance.models import Requirement
    from people.models import Colleague
    from programme.services import bookings_create
    from tests.dashboard.test_queries import CURRENT, ENGINE, IN_HAND, MANAGER, NAMED, add_officers, queries

    add_officers(org, count)
    officers = list(Colleague.objects.filter(employee_number__startswith="Q").order_by("employee_number"))
    bookings_create(session=session_on("2026-07-01", capacity=100), colleagues=officers)
    refresher = Requirement.objects.get(code="HATE-REFRESHER")
    Nudge.objects.bulk_create(Nudge(colleague=c, requirement=refresher, sent_on=TODAY) for c in officers)
    summary_rebuild(day=TODAY)
    changes_drain()
    client_for(client, org.users["north"])
    # The list's own 8 (test_queries.PAGES: its role and requirement names included).
    assert queries(client, "/overdue/?status=any&sort=employee_number") == MANAGER + CURRENT + 8 + IN_HAND
    assert queries(client, "/matrix/") == MANAGER + 5 + ENGINE + IN_HAND  # with the role names (1)
    assert queries(client, "/") == MANAGER + CURRENT + 17 + NAMED
    # Every officer on the page is booked and nudged for the refresher (sorted by number: N* then Q*).
    page = client.get("/overdue/?status=any&sort=employee_number").content.decode()
    # N1 to N3 take 6 of the 25 rows, each officer 2 (BTEC-L2, then the refresher): 9 refreshers shown.
    assert page.count("booked 1 Jul") == min(count, 9)
    assert page.count("nudged today") == min(count, 9)


def test_an_extension_goes_through_hrs_request_form_and_shows_in_hand(north):
    """The action bar links each ticked row to HR's request form, filled in; once sent, the row says so."""
    from workspace.models import Request

    response = act(north, "N1|HATE-REFRESHER", "N3|HATE-REFRESHER", action="extension")
    assert response.status_code == 200
    form = "/requests/new/extension/"
    assert [url for _, url in response.context["rows"]] == [
        f"{form}?colleague=N1&requirement=HATE-REFRESHER",
        f"{form}?colleague=N3&requirement=HATE-REFRESHER",
    ]
    assert counts() == (0, 0, 0)
    page = north.get(f"{form}?colleague=N1&requirement=HATE-REFRESHER")
    refresher = Requirement.objects.get(code="HATE-REFRESHER")
    assert page.context["form"].initial == {"colleague": "N1", "requirement": refresher.pk}
    sent = north.post(
        form,
        {
            "colleague": "N1",
            "requirement": refresher.pk,
            "new_due_date": "2026-09-01",
            "reason": "Long-term sickness",
        },
    )
    assert sent.status_code == 302
    assert Request.objects.get().requested_by.username == "north"
    row = next(
        line
        for line in north.get("/overdue/?status=any").content.decode().split("<tr>")
        if "HATE-REFRESHER" in line and "Amira" in line
    )
    assert "extension requested" in row


def test_requests_waiting_for_hr_show_in_hand(north, org):
    """An extension asked for, and training whose evidence HR has still to check; decided ones are not."""
    from workspace.models import Request

    n1, n3 = org.people["N1"], org.people["N3"]
    pairs = [(n1.pk, "HATE-REFRESHER"), (n3.pk, "HATE-REFRESHER"), (n3.pk, "BTEC-L3")]
    assert in_hand(pairs, today=TODAY) == {}
    asker = org.users["north"]
    Request.objects.create(
        kind="extension",
        colleague=n1,
        requirement=Requirement.objects.get(code="HATE-REFRESHER"),
        original_due_date=dt.date(2026, 3, 1),
        new_due_date=dt.date(2026, 9, 1),
        reason="Long-term sickness",
        requested_by=asker,
    )
    Request.objects.create(
        kind="training",
        colleague=n3,
        course=Course.objects.get(code="SHUK-HATE"),
        reason="Took it",
        requested_by=asker,
    )
    Request.objects.create(
        kind="extension",
        colleague=n3,
        requirement=Requirement.objects.get(code="BTEC-L3"),
        reason="Done",
        requested_by=asker,
        status="rejected",
        decided_by=org.users["hr"],
        decided_at=dt.datetime(2026, 5, 1, tzinfo=LONDON),
    )
    assert {key: hand.notes() for key, hand in in_hand(pairs, today=TODAY).items()} == {
        (n1.pk, "HATE-REFRESHER"): ["extension requested"],
        (n3.pk, "HATE-REFRESHER"): ["evidence awaiting check"],
    }
    page = north.get("/overdue/?status=any").content.decode()
    assert "extension requested" in page
    assert "evidence awaiting check" in page


def test_a_course_recorded_as_equivalent_counts_for_booking_and_in_hand(north):
    from training.models import Equivalence

    outside = Course.objects.create(code="OUTSIDE-HATE", title="An outside hate-crime course")
    Equivalence.objects.create(
        course=outside, satisfies=Course.objects.get(code="SHUK-HATE"), approved_by="HR", approved_on=TODAY
    )
    session = session_on("2026-07-01", course="OUTSIDE-HATE")
    response = act(north, "N1|HATE-REFRESHER", action="book")
    assert session in [s for s, _ in response.context["sessions"]]
    # It does not count for BTEC-L2: not offered, and refused if posted anyway.
    response = act(north, "N1|HATE-REFRESHER", "N1|BTEC-L2", action="book")
    assert session not in [s for s, _ in response.context["sessions"]]
    response = book(north, session, "N1|BTEC-L2")
    assert messages_of(response) == [
        "OUTSIDE-HATE does not count for BTEC-L2: choose a session of another course."
    ]
    response = book(north, session, "N1|HATE-REFRESHER")
    assert messages_of(response) == [
        "Booked Amira Ahmed onto An outside hate-crime course on Wed 1 Jul 2026, 10:00."
    ]
    assert "booked 1 Jul" in north.get("/overdue/?status=any").content.decode()


def test_a_colleague_who_has_left_is_refused(north):
    before = counts()
    response = act(north, "N4|HATE-REFRESHER", "N1|HATE-REFRESHER", action="nudge")
    assert response.status_code == 400
    assert response.context["errors"] == ["Dev Davies (N4) is not working here today."]
    response = book(north, session_on("2026-07-01"), "N4|HATE-REFRESHER")
    assert response.status_code == 400
    assert counts() == before


def test_a_full_sessions_button_puts_them_on_its_waiting_list(north, org):
    from programme.services import booking_create

    session = session_on("2026-07-01", capacity=1)
    booking_create(session=session, colleague=org.people["N2"])
    page = act(north, "N1|HATE-REFRESHER", action="book").content.decode()
    assert "Full." in page
    assert 'formaction="/actions/book/?waiting=1"' in page
    response = north.post(
        "/actions/book/?waiting=1",
        {"pick": ["N1|HATE-REFRESHER"], "session": session.pk, "next": "/overdue/"},
        follow=True,
    )
    assert messages_of(response) == [
        "Amira Ahmed on the waiting list for Stop Hate UK hate-related training session on Wed 1 Jul 2026, 10:00."
    ]
    assert session.bookings.get(colleague=org.people["N1"]).status == BookingStatus.WAITLISTED
