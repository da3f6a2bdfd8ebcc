"""HR plans a rolling programme in one step."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from programme.enums import RepeatPattern
from programme.models import Session
from programme.services import session_programme_plan
from training.models import Course

from .helpers import LONDON, D, hr_user, team_with_manager

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday_5_january_2026():
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, 0, tzinfo=LONDON), tick=False):
        yield


def test_plan_a_year_of_monthly_sessions_keeps_local_time_through_summer_time(reference):
    shuk = Course.objects.get(code="SHUK-HATE")
    sessions = session_programme_plan(
        course=shuk,
        first_date=D("2026-01-13"),
        start_time=dt.time(10, 0),
        end_time=dt.time(13, 0),
        pattern=RepeatPattern.SAME_WEEKDAY,
        count=12,
        capacity=15,
        venue="Civic Centre",
        facilitator="Stop Hate UK trainer",
    )
    assert len(sessions) == 12 == Session.objects.count()
    local = [s.starts_at.astimezone(LONDON) for s in sessions]
    assert [d.date() for d in local] == [
        D("2026-01-13"), D("2026-02-10"), D("2026-03-10"), D("2026-04-14"), D("2026-05-12"), D("2026-06-09"),
        D("2026-07-14"), D("2026-08-11"), D("2026-09-08"), D("2026-10-13"), D("2026-11-10"), D("2026-12-08"),
    ]  # fmt: skip
    assert {(d.hour, d.minute) for d in local} == {(10, 0)}
    # 10:00 in London is 10:00 UTC in January and 09:00 UTC in British Summer Time.
    assert (sessions[0].starts_at.astimezone(dt.UTC).hour, sessions[6].starts_at.astimezone(dt.UTC).hour) == (
        10,
        9,
    )
    assert {s.ends_at - s.starts_at for s in sessions} == {dt.timedelta(hours=3)}
    assert len({s.series for s in sessions}) == 1 and sessions[0].series is not None
    # The provider defaults to the course's.
    assert {s.provider for s in sessions} == {"Stop Hate UK"}


def test_plan_rejects_a_past_first_date_and_plans_nothing(reference):
    with pytest.raises(ValidationError) as caught:
        session_programme_plan(
            course=Course.objects.get(code="HC-REFRESHER"),
            first_date=D("2026-01-04"),
            start_time=dt.time(14, 0),
            end_time=dt.time(13, 0),
            capacity=10,
            venue="Depot",
        )
    assert caught.value.message_dict == {
        "first_date": ["The first session cannot be in the past."],
        "end_time": ["The session must end after it starts."],
    }
    assert Session.objects.count() == 0


def test_plan_needs_a_venue_or_link_and_plans_nothing(reference):
    with pytest.raises(ValidationError) as caught:
        session_programme_plan(
            course=Course.objects.get(code="HC-REFRESHER"),
            first_date=D("2026-02-02"),
            start_time=dt.time(10, 0),
            end_time=dt.time(12, 0),
            capacity=10,
            count=3,
        )
    assert caught.value.messages == ["Give a venue, an online link, or both."]
    assert Session.objects.count() == 0


def test_plan_page_lets_hr_plan_in_one_step(client, reference):
    client.force_login(hr_user())
    response = client.post(
        reverse("programme:session_plan"),
        {
            "course": Course.objects.get(code="SHUK-HATE").pk,
            "first_date": "2026-02-10",
            "start_time": "10:00",
            "end_time": "12:30",
            "pattern": RepeatPattern.SAME_WEEKDAY,
            "every_months": "1",
            "count": "12",
            "venue": "",
            "online_link": "https://meet.example.org/shuk",
            "facilitator": "Stop Hate UK",
            "capacity": "20",
            "provider": "",
            "notes": "",
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("programme:session_list"), 302)]
    assert "Planned 12 sessions of SHUK-HATE, 10 Feb 2026 to 12 Jan 2027." in response.content.decode()
    assert Session.objects.filter(online_link="https://meet.example.org/shuk", capacity=20).count() == 12


def test_plan_page_shows_errors_and_keeps_input(client, reference):
    client.force_login(hr_user())
    response = client.post(
        reverse("programme:session_plan"),
        {
            "course": "",
            "first_date": "2026-02-10",
            "start_time": "10:00",
            "end_time": "09:00",
            "capacity": "0",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {
        "course",
        "pattern",
        "every_months",
        "count",
        "capacity",
        "end_time",
        "__all__",
    }
    assert Session.objects.count() == 0


def test_plan_page_is_for_hr_only(client, reference):
    _, _, manager = team_with_manager("North", "north-manager")
    client.force_login(manager)
    assert client.get(reverse("programme:session_plan")).status_code == 403
