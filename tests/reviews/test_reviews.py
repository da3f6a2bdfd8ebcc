"""Colleague reviews: grounded in the colleague's statuses, kept as a snapshot, overdue ones flagged."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Colleague
from reviews.models import ColleagueReview, ReviewAction
from reviews.rules import ReviewStatus, review_due_date, review_status
from reviews.selectors import reviews_due
from reviews.services import colleague_review_record
from tests.factories import ColleagueFactory, record
from tests.programme.helpers import LONDON, REQUEST_QUERIES, D, hr_user, team_with_manager

pytestmark = pytest.mark.django_db
NAMES = {
    "BTEC-L3": "BTEC level 3 Advanced Award in Community Safety, Crime and Nuisance Management (or equivalent)",
    "HATE-REFRESHER": "Hate crime refresher every two years",
}


@pytest.fixture(autouse=True)
def _first_of_june_2026():
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def north(reference):
    team, manager, user = team_with_manager("North", "north-manager")
    officer = ColleagueFactory(role="CSO", team=team, first_name="Omar", start_date=D("2020-01-01"))
    record(officer, "BTEC3-CSCNM", "2021-01-01")
    record(officer, "HC-REFRESHER", "2024-05-01")  # refresher overdue since 1 May 2026
    return {"team": team, "manager": manager, "user": user, "officer": officer}


def review_post(**overrides):
    data = {
        "reviewed_on": "2026-06-01",
        "training_discussed": "Refresher lapsed in May; booked on the July Stop Hate UK session.",
        "next_review_on": "2026-12-01",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "20",
        "actions-0-action": "Attend the Stop Hate UK session",
        "actions-0-due_on": "2026-07-14",
        "actions-1-action": "Read the Hate Harassment Policy v2",
        "actions-1-due_on": "2026-06-30",
        "actions-2-action": "",
        "actions-2-due_on": "",
    }
    return {**data, **overrides}


def test_review_rules_due_date_and_status():
    assert review_due_date(start_date=D("2025-01-31"), next_review_on=None, interval_months=12) == D(
        "2026-01-31"
    )
    assert review_due_date(
        start_date=D("2025-01-31"), next_review_on=D("2026-03-01"), interval_months=12
    ) == D("2026-03-01")
    due = D("2026-07-01")
    assert [review_status(due, D(d)) for d in ("2026-05-31", "2026-06-01", "2026-07-01", "2026-07-02")] == [
        ReviewStatus.CURRENT,
        ReviewStatus.DUE_SOON,
        ReviewStatus.DUE_SOON,
        ReviewStatus.OVERDUE,
    ]


def test_review_form_opens_with_the_colleagues_statuses_and_due_dates(client, north):
    client.force_login(north["user"])
    response = client.get(reverse("reviews:review_create", args=[north["officer"].pk]))
    assert response.status_code == 200
    standing = response.context["standing"]
    assert [(s.code, s.status, s.due_date) for s in standing.statuses] == [
        ("BTEC-L3", "compliant", None),
        ("HATE-REFRESHER", "overdue", D("2026-05-01")),
    ]
    html = response.content.decode()
    assert '<span class="status status-overdue">Overdue</span></td>\n      <td>1 May 2026</td>' in html
    assert response.context["form"].initial == {
        "reviewed_on": D("2026-06-01"),
        "next_review_on": D("2027-06-01"),
    }


def test_recording_a_review_keeps_a_snapshot_and_the_agreed_actions(client, north):
    client.force_login(north["user"])
    response = client.post(reverse("reviews:review_create", args=[north["officer"].pk]), review_post())
    review = ColleagueReview.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reviews:review_detail", args=[review.pk])
    assert review.snapshot == {
        "as_of": "2026-06-01",
        "role": "CSO",
        "role_started_on": "2020-01-01",
        "requirements": [
            {
                "code": "BTEC-L3",
                "name": NAMES["BTEC-L3"],
                "status": "compliant",
                "due_date": None,
                "valid_until": None,
            },
            {
                "code": "HATE-REFRESHER",
                "name": NAMES["HATE-REFRESHER"],
                "status": "overdue",
                "due_date": "2026-05-01",
                "valid_until": None,
            },
        ],
    }
    assert list(review.actions.values_list("action", "due_on")) == [
        ("Read the Hate Harassment Policy v2", D("2026-06-30")),
        ("Attend the Stop Hate UK session", D("2026-07-14")),
    ]
    assert (review.reviewer, review.next_review_on) == (north["user"], D("2026-12-01"))
    assert review.history.count() == 1
    assert ReviewAction.history.count() == 2


def test_snapshot_stays_as_it_was_after_the_colleague_trains(north):
    review = colleague_review_record(
        colleague=north["officer"],
        reviewed_on=D("2026-06-01"),
        training_discussed="Refresher lapsed.",
        next_review_on=D("2026-12-01"),
    )
    record(north["officer"], "SHUK-HATE", "2026-06-01")
    review.refresh_from_db()
    assert [(r["code"], r["status"]) for r in review.snapshot["requirements"]] == [
        ("BTEC-L3", "compliant"),
        ("HATE-REFRESHER", "overdue"),
    ]


def test_a_review_with_bad_dates_is_refused_and_nothing_is_saved(client, north):
    client.force_login(north["user"])
    response = client.post(
        reverse("reviews:review_create", args=[north["officer"].pk]),
        review_post(next_review_on="2026-05-01", **{"actions-0-due_on": ""}),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"next_review_on": ["The next review must be after this one."]}
    assert response.context["actions"].errors[0] == {"due_on": ["Give the date this should be done by."]}
    assert ColleagueReview.objects.count() == 0
    with pytest.raises(ValidationError) as caught:
        colleague_review_record(
            colleague=north["officer"],
            reviewed_on=D("2026-06-02"),
            training_discussed=" ",
            next_review_on=D("2026-12-01"),
            actions=[("Too early", D("2026-05-01"))],
        )
    assert set(caught.value.message_dict) == {"reviewed_on", "training_discussed", "actions"}


def test_manager_cannot_review_or_read_another_teams_colleague(client, north):
    _, _, south_user = team_with_manager("South", "south-manager")
    client.force_login(south_user)
    url = reverse("reviews:review_create", args=[north["officer"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, review_post()).status_code == 404
    review = colleague_review_record(
        colleague=north["officer"],
        reviewed_on=D("2026-06-01"),
        training_discussed="x",
        next_review_on=D("2026-12-01"),
    )
    assert client.get(reverse("reviews:review_detail", args=[review.pk])).status_code == 404
    assert ColleagueReview.objects.count() == 1


def test_manager_cannot_review_themself(client, north):
    client.force_login(north["user"])
    assert client.get(reverse("reviews:review_create", args=[north["manager"].pk])).status_code == 404


def test_overdue_reviews_come_first_and_can_be_listed_alone(client, north):
    officer = north["officer"]
    recent = ColleagueFactory(role="NHO", team=north["team"], first_name="Rita", start_date=D("2020-01-01"))
    colleague_review_record(
        colleague=recent, reviewed_on=D("2026-05-01"), training_discussed="x", next_review_on=D("2026-06-20")
    )
    later = ColleagueFactory(role="NHO", team=north["team"], first_name="Lee", start_date=D("2020-01-01"))
    colleague_review_record(
        colleague=later, reviewed_on=D("2026-05-01"), training_discussed="x", next_review_on=D("2027-05-01")
    )
    ColleagueFactory(
        role="NHO",
        team=north["team"],
        first_name="Left",
        start_date=D("2020-01-01"),
        leaving_date=D("2026-05-01"),
    )
    client.force_login(north["user"])

    response = client.get(reverse("reviews:review_list"))
    rows = response.context["rows"]
    # Omar has never had a review: one was due a year after he started.
    assert [(r.colleague.first_name, r.status, r.due, r.last_reviewed_on) for r in rows] == [
        ("Omar", ReviewStatus.OVERDUE, D("2021-01-01"), None),
        ("Rita", ReviewStatus.DUE_SOON, D("2026-06-20"), D("2026-05-01")),
        ("Lee", ReviewStatus.CURRENT, D("2027-05-01"), D("2026-05-01")),
    ]
    assert (response.context["overdue"], response.context["due_soon"]) == (1, 1)
    only = client.get(reverse("reviews:review_list"), {"show": "overdue"})
    assert [r.colleague.pk for r in only.context["rows"]] == [officer.pk]


@pytest.mark.parametrize("count", [1, 50])
def test_review_list_costs_the_same_for_1_and_50_colleagues(client, reference, count):
    for _ in range(count):
        c = ColleagueFactory(role="NHO", start_date=D("2020-01-01"))
        colleague_review_record(
            colleague=c, reviewed_on=D("2026-01-01"), training_discussed="x", next_review_on=D("2026-05-01")
        )
    client.force_login(hr_user())
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reviews:review_list"))
    # groups (access), colleagues with their latest review
    assert len(ctx.captured_queries) == REQUEST_QUERIES + 2
    assert len(response.context["rows"]) == count


def test_reviews_due_counts_only_colleagues_in_scope(north):
    ColleagueFactory(role="NHO", start_date=D("2020-01-01"))  # another team
    rows = reviews_due(Colleague.objects.filter(team=north["team"]), D("2026-06-01"))
    assert sorted(r.colleague.first_name for r in rows) == ["Mona", "Omar"]


def test_a_colleagues_reviews_and_bookings_are_in_their_subject_access_export(north):
    from privacy.services import subject_access_data
    from programme.services import booking_create
    from tests.programme.helpers import at, session_on

    colleague_review_record(
        colleague=north["officer"],
        reviewed_on=D("2026-06-01"),
        training_discussed="x",
        next_review_on=D("2026-12-01"),
    )
    booking_create(session=session_on(at("2026-07-14")), colleague=north["officer"])
    sections = subject_access_data(north["officer"])["sections"]
    assert [len(sections[k]) for k in ("reviews.colleaguereview", "programme.booking")] == [1, 1]
    assert sections["reviews.colleaguereview"][0]["snapshot"]["requirements"][1]["status"] == "overdue"


def test_anonymising_a_leaver_removes_what_was_said_at_their_reviews_history_included(north):
    from privacy.services import colleague_anonymise

    review = colleague_review_record(
        colleague=north["officer"],
        reviewed_on=D("2026-06-01"),
        training_discussed="Off sick for a month; refresher postponed.",
        next_review_on=D("2026-12-01"),
    )
    north["officer"].leaving_date = D("2026-06-01")
    north["officer"].save()
    colleague_anonymise(colleague=north["officer"])
    review.refresh_from_db()
    assert review.training_discussed == "Removed under the retention rule"
    assert set(review.history.values_list("training_discussed", flat=True)) == {
        "Removed under the retention rule"
    }
    assert review.snapshot["requirements"][1]["status"] == "overdue"  # the figures stay
