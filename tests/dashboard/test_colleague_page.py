"""The colleague page: standing on a date, what satisfied each requirement, the full record and its history."""

import datetime as dt

import pytest
import time_machine

from compliance.enums import WaiverKind
from compliance.models import Requirement, Waiver
from tests.organisation import client_for
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(client, org):
    return client_for(client, org.users["hr"])


def test_requirements_with_status_due_date_and_what_satisfied_them(hr):
    record = hr.get("/colleagues/N1/").context["record"]
    assert [
        (r.code, r.status.status, r.status.due_date, r.status.valid_until, r.satisfied_by)
        for r in record.requirements
    ] == [
        ("BTEC-L2", "compliant", None, None, "BTEC2-CSC Community Safety Casework, 1 Jun 2020"),
        (
            "HATE-REFRESHER",
            "overdue",
            dt.date(2026, 3, 1),
            None,
            "HC-REFRESHER Hate crime refresher, 1 Mar 2024",
        ),
    ]
    assert (record.role, record.role_started_on, record.active) == ("NHO", dt.date(2020, 1, 1), True)


def test_eligibility_for_each_case_type_with_reasons_and_forecast(hr):
    n1 = hr.get("/colleagues/N1/").context["record"].eligibility
    assert [(e.case_type, e.answer.eligible, e.reasons) for e in n1] == [
        (
            "hate_crime",
            False,
            ["Hate crime refresher every two years (HATE-REFRESHER): overdue (due 1 Mar 2026)"],
        )
    ]
    n3 = hr.get("/colleagues/N3/").context["record"].eligibility[0]
    assert (n3.answer.eligible, n3.answer.eligible_until, n3.forecast.later) == (
        True,
        dt.date(2026, 7, 15),
        (True, False, False),
    )
    n2 = hr.get("/colleagues/N2/").context["record"].eligibility[0]
    assert (n2.answer.eligible, n2.answer.supervision_required) == (True, True)
    assert "supervision required" in n2.reasons[0]


def test_role_history_training_and_waivers(hr, org):
    Waiver.objects.create(
        colleague=org.people["N1"],
        requirement=Requirement.objects.get(code="HATE-REFRESHER"),
        kind=WaiverKind.EXTENSION,
        reason="Course cancelled",
        approved_by="Head of HR",
        approved_on=dt.date(2026, 2, 20),
        original_due_date=dt.date(2026, 3, 1),
        new_due_date=dt.date(2026, 7, 1),
    )
    response = hr.get("/colleagues/N1/")
    record = response.context["record"]
    assert [(r.role.code, r.started_on) for r in record.roles] == [("NHO", dt.date(2020, 1, 1))]
    assert [(t.course.code, t.completed_on) for t in record.training] == [
        ("HC-REFRESHER", dt.date(2024, 3, 1)),
        ("BTEC2-CSC", dt.date(2020, 6, 1)),
    ]
    assert [(w.kind, w.new_due_date) for w in record.waivers] == [("extension", dt.date(2026, 7, 1))]
    # The extension moves the refresher from overdue to due soon.
    refresher = record.requirements[1]
    assert (refresher.status.status, refresher.status.due_date, refresher.waiver) == (
        "due_soon",
        dt.date(2026, 7, 1),
        "Extension to 1 Jul 2026",
    )
    assert "Course cancelled" in response.content.decode()


def test_as_of_a_past_date_ignores_later_training(hr):
    response = hr.get("/colleagues/N1/", {"on": "2024-01-01"})
    record = response.context["record"]
    # Before the 2024 refresher, the 2020 BTEC had lapsed as a refresher (due 1 Jun 2022).
    assert [(r.code, r.status.status, r.status.due_date) for r in record.requirements] == [
        ("BTEC-L2", "compliant", None),
        ("HATE-REFRESHER", "overdue", dt.date(2022, 6, 1)),
    ]
    html = response.content.decode()
    assert "(after the date shown: not counted)" in html
    assert "a past date" in html


def test_change_history_names_who_changed_what(hr, org):
    n1 = org.people["N1"]
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        n1.last_name = "Smith"
        n1._history_user = org.users["hr"]
        n1.save()
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 5, tzinfo=dt.UTC), tick=False):
        record = TrainingRecord.objects.get(colleague=n1, course__code="HC-REFRESHER")
        record.certificate = "SH-123"
        record._history_user = org.users["hr"]
        record.save()
    changes = hr.get("/colleagues/N1/").context["record"].changes
    assert [(c.what, c.kind, c.who, c.fields) for c in changes[:2]] == [
        (
            "Training completed 1 Mar 2024",
            "Changed",
            "hr",
            [("Certificate reference", "\N{EN DASH}", "SH-123")],
        ),
        ("Colleague record", "Changed", "hr", [("Last name", "Ahmed", "Smith")]),
    ]
    assert {(c.what, c.kind) for c in changes[2:]} >= {
        ("Colleague record", "Added"),
        ("Role from 1 Jan 2020", "Added"),
        ("Training completed 1 Jun 2020", "Added"),
    }


def test_a_colleague_sees_their_own_page_and_the_menu_offers_it(client, org):
    client_for(client, org.users["colleague"])
    response = client.get("/colleagues/N1/")
    assert response.status_code == 200
    assert '<a href="/me/">My training</a>' in response.content.decode()
    assert "Dashboard" not in response.content.decode()
    mine = client.get("/me/")
    assert '<a href="/me/" aria-current="page">My training</a>' in mine.content.decode()


def test_a_leaver_is_shown_as_not_employed(hr):
    record = hr.get("/colleagues/N4/").context["record"]
    assert (record.active, record.requirements, record.eligibility[0].reasons) == (
        False,
        [],
        ["not employed on this date"],
    )
