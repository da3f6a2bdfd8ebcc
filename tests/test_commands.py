import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from compliance.models import CaseType, Requirement
from people.models import Colleague
from policies.models import Policy
from tests.factories import ColleagueFactory, record
from training.models import Course, Equivalence, TrainingRecord

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_loaddata_reference_twice_creates_no_duplicates(reference):
    call_command("loaddata", "reference", verbosity=0)
    assert (Course.objects.count(), Equivalence.objects.count(), Requirement.objects.count()) == (5, 3, 4)
    assert CaseType.objects.get().roles.count() == 3
    policy = Policy.objects.get(slug="hate-harassment")
    assert (policy.next_review_date, policy.amendments.count(), policy.related_policies.count()) == (
        dt.date(2029, 2, 6),
        4,
        3,
    )
    assert set(Requirement.objects.values_list("policy__slug", "clause")) == {
        ("hate-harassment", "6.0 Colleague Training")
    }


@time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC))
def test_seed_demo_twice_changes_nothing_and_covers_every_status(reference):
    run("seed_demo")
    first = run("compliance_report", "--format", "json")
    counts = (Colleague.objects.count(), TrainingRecord.objects.count())
    run("seed_demo")
    assert run("compliance_report", "--format", "json") == first
    assert (Colleague.objects.count(), TrainingRecord.objects.count()) == counts
    statuses = {row["status"] for row in json.loads(first)}
    assert statuses == {"compliant", "due_soon", "overdue", "pending", "exempt"}
    assert counts[0] == 42


@pytest.fixture
def spec_people(reference):
    a = ColleagueFactory(
        employee_number="A1",
        first_name="Ada",
        last_name="Ashworth",
        role="NHO",
        start_date=dt.date(2026, 1, 10),
    )
    b = ColleagueFactory(employee_number="B1", role="CSO", start_date=dt.date(2020, 5, 1))
    record(b, "BTEC3-CSCNM", "2021-03-01")
    record(b, "HC-REFRESHER", "2024-04-30")
    c = ColleagueFactory(employee_number="C1", role="NHO", start_date=dt.date(2026, 3, 1))
    record(c, "BTEC3-CSCNM", "2019-06-01")
    return a, b, c


@pytest.mark.parametrize(
    ("who", "day", "code", "expected"),
    [
        ("A1", "2026-06-01", "BTEC-L2", ("pending", "2027-01-10", None)),
        ("A1", "2027-01-11", "BTEC-L2", ("overdue", "2027-01-10", None)),
        ("B1", "2026-02-20", "HATE-REFRESHER", ("due_soon", "2026-04-30", "2026-04-30")),
        ("C1", "2026-03-02", "BTEC-L2", ("compliant", None, None)),
        ("C1", "2026-03-02", "HATE-REFRESHER", ("pending", "2027-03-01", None)),
    ],
)
def test_compliance_report_json_as_of(spec_people, who, day, code, expected):
    rows = json.loads(run("compliance_report", "--as-of", day, "--format", "json"))
    [row] = [r for r in rows if r["employee_number"] == who and r["requirement"] == code]
    assert (row["status"], row["due_date"], row["valid_until"]) == expected
    assert set(row) == {
        "employee_number",
        "name",
        "team",
        "role",
        "requirement",
        "status",
        "due_date",
        "valid_until",
    }


def test_compliance_report_csv_filters_by_status_and_team(spec_people):
    a, _, _ = spec_people
    out = run("compliance_report", "--as-of", "2026-05-01", "--status", "overdue")
    assert out.splitlines() == [
        "employee_number,name,team,role,requirement,status,due_date,valid_until",
        f"B1,{Colleague.objects.get(employee_number='B1').full_name},{Colleague.objects.get(employee_number='B1').team.name},CSO,HATE-REFRESHER,overdue,2026-04-30,",
    ]
    out = run("compliance_report", "--as-of", "2026-05-01", "--team", a.team.name, "--format", "json")
    assert {r["employee_number"] for r in json.loads(out)} == {"A1"}


def test_compliance_report_rejects_a_bad_date_and_unknown_team(spec_people):
    with pytest.raises(CommandError, match="--as-of"):
        run("compliance_report", "--as-of", "2026-02-30")
    with pytest.raises(CommandError, match="--team"):
        run("compliance_report", "--team", "Nowhere")


def test_changes_are_kept_in_history(reference):
    c = ColleagueFactory(role="NHO")
    c.last_name = "Changed"
    c.save()
    assert [h.history_type for h in c.history.order_by("history_date")] == ["+", "~"]
    r = record(c, "SHUK-HATE", "2025-01-01")
    assert r.history.count() == 1
