"""docs/interfaces.md §4.2: the eligibility endpoints, field by field and reason by reason."""

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.models import Decision
from people.models import Colleague, Role, RoleAssignment
from tests.factories import ColleagueFactory, TeamFactory
from tests.integrations.conftest import CASE, D, exemption
from training.models import Course, TrainingRecord

pytestmark = pytest.mark.django_db

FIELDS = [
    "employee_number",
    "case_type",
    "as_of",
    "eligible",
    "supervision_required",
    "eligible_until",
    "reasons",
    "requirements",
]


def single(api, number, **params):
    return api.get(f"/api/v1/eligibility/{number}/", {"case_type": CASE, **params})


def bulk(api, numbers, **body):
    return api.post(
        "/api/v1/eligibility/",
        data=json.dumps({"case_type": CASE, "employee_numbers": numbers, **body}),
        content_type="application/json",
    )


def test_single_lookup_answers_every_field_for_a_new_starter(api, spec_people):
    response = single(api, "E990001", on="2026-06-01")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == FIELDS
    assert response.json() == {
        "employee_number": "E990001",
        "case_type": "hate_crime",
        "as_of": "2026-06-01",
        "eligible": True,
        "supervision_required": True,
        "eligible_until": "2027-01-10",
        "reasons": [
            {"code": "in_induction", "requirement": "BTEC-L2", "due_date": "2027-01-10"},
            {"code": "in_induction", "requirement": "HATE-REFRESHER", "due_date": "2027-01-10"},
        ],
        "requirements": [
            {"code": "BTEC-L2", "status": "pending", "due_date": "2027-01-10", "valid_until": None},
            {"code": "HATE-REFRESHER", "status": "pending", "due_date": "2027-01-10", "valid_until": None},
        ],
    }


def test_single_lookup_overdue_is_not_eligible_with_one_reason_per_requirement(api, spec_people):
    body = single(api, "E990001", on="2027-01-11").json()

    assert (body["eligible"], body["supervision_required"], body["eligible_until"]) == (False, False, None)
    assert body["reasons"] == [
        {"code": "overdue", "requirement": "BTEC-L2", "due_date": "2027-01-10"},
        {"code": "overdue", "requirement": "HATE-REFRESHER", "due_date": "2027-01-10"},
    ]
    assert [r["status"] for r in body["requirements"]] == ["overdue", "overdue"]


@pytest.mark.parametrize(
    ("day", "eligible", "reasons", "refresher", "until"),
    [
        ("2026-01-15", True, [], ("compliant", "2026-04-30", "2026-04-30"), "2026-04-30"),
        # due soon, but a completion is current: no induction, no supervision.
        ("2026-02-20", True, [], ("due_soon", "2026-04-30", "2026-04-30"), "2026-04-30"),
        (
            "2026-05-01",
            False,
            [{"code": "overdue", "requirement": "HATE-REFRESHER", "due_date": "2026-04-30"}],
            ("overdue", "2026-04-30", None),
            None,
        ),
    ],
)
def test_single_lookup_follows_the_refresher_of_b(api, spec_people, day, eligible, reasons, refresher, until):
    body = single(api, "E990002", on=day).json()

    assert (body["eligible"], body["supervision_required"], body["eligible_until"]) == (
        eligible,
        False,
        until,
    )
    assert body["reasons"] == reasons
    assert body["requirements"] == [
        {"code": "BTEC-L3", "status": "compliant", "due_date": None, "valid_until": None},
        dict(zip(["code", "status", "due_date", "valid_until"], ["HATE-REFRESHER", *refresher], strict=True)),
    ]


def test_equivalent_qualification_counts_and_the_refresher_is_in_induction(api, spec_people):
    body = single(api, "E990003", on="2026-03-02").json()

    assert body["eligible"] is True
    assert body["supervision_required"] is True
    assert body["eligible_until"] == "2027-03-01"
    assert body["reasons"] == [
        {"code": "in_induction", "requirement": "HATE-REFRESHER", "due_date": "2027-03-01"}
    ]
    assert body["requirements"] == [
        {"code": "BTEC-L2", "status": "compliant", "due_date": None, "valid_until": None},
        {"code": "HATE-REFRESHER", "status": "pending", "due_date": "2027-03-01", "valid_until": None},
    ]


def test_inactive_colleague_is_not_eligible(api, spec_people):
    leaver = ColleagueFactory(employee_number="E1", role="NHO", leaving_date=D("2025-12-31"))

    body = single(api, leaver.employee_number, on="2026-01-01").json()
    before_start = single(api, "E990001", on="2026-01-09").json()

    assert (body["eligible"], body["reasons"], body["requirements"]) == (
        False,
        [{"code": "inactive", "requirement": None, "due_date": None}],
        [],
    )
    assert before_start["reasons"] == [{"code": "inactive", "requirement": None, "due_date": None}]


def test_role_not_admitted_to_the_case_type(api, reference):
    manager = Role.objects.create(code="NM", name="Neighbourhood Manager")
    ColleagueFactory(employee_number="E2", role=manager)
    ColleagueFactory(employee_number="E3")  # no role at all

    for number in ("E2", "E3"):
        body = single(api, number, on="2026-06-01").json()
        assert (body["eligible"], body["reasons"]) == (
            False,
            [{"code": "role_not_permitted", "requirement": None, "due_date": None}],
        )


def test_exemption_counts_as_met_with_a_reason(api, spec_people):
    exemption(spec_people["A"], "BTEC-L2", starts="2026-02-01")

    body = single(api, "E990001", on="2026-06-01").json()

    assert body["eligible"] is True
    assert body["reasons"] == [
        {"code": "exempt", "requirement": "BTEC-L2", "due_date": None},
        {"code": "in_induction", "requirement": "HATE-REFRESHER", "due_date": "2027-01-10"},
    ]
    assert body["requirements"][0] == {
        "code": "BTEC-L2",
        "status": "exempt",
        "due_date": None,
        "valid_until": None,
    }


@time_machine.travel(dt.datetime(2026, 6, 1, 23, 30, tzinfo=dt.UTC))
def test_on_defaults_to_today_in_london(api, spec_people):
    # 23:30 UTC on 1 June is 00:30 on 2 June in London (BST).
    assert single(api, "E990001").json()["as_of"] == "2026-06-02"
    assert bulk(api, ["E990001"]).json()["results"][0]["as_of"] == "2026-06-02"


def test_bulk_answers_in_request_order_with_unknown_employees(api, spec_people):
    asked = ["E990003", "ZZ404404", "E990001", "E990002", "E990001"]

    response = bulk(api, asked, on="2026-03-02")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["employee_number"] for r in results] == asked
    assert results[1] == {
        "employee_number": "ZZ404404",
        "case_type": "hate_crime",
        "as_of": "2026-03-02",
        "eligible": False,
        "supervision_required": False,
        "eligible_until": None,
        "reasons": [{"code": "unknown_employee", "requirement": None, "due_date": None}],
        "requirements": [],
    }
    assert results[0] == single(api, "E990003", on="2026-03-02").json()
    assert results[2] == results[4] == single(api, "E990001", on="2026-03-02").json()


def test_bulk_takes_a_thousand_numbers(api, spec_people):
    asked = ["E990001", "E990002", "E990003"] + [f"ZZ{i:06d}" for i in range(997)]

    response = bulk(api, asked, on="2026-03-02")

    assert response.status_code == 200
    assert [r["employee_number"] for r in response.json()["results"]] == asked


def list_all(api, **params):
    items, url, query = [], "/api/v1/eligibility/", {"case_type": CASE, **params}
    while url:
        page = api.get(url, query).json()
        items += page["results"]
        url, query = page["next"], None
    return items


def test_list_gives_active_officers_the_case_type_admits(api, spec_people):
    ColleagueFactory(
        employee_number="E4", role="NHO", leaving_date=D("2026-04-01"), team=spec_people["A"].team
    )
    ColleagueFactory(employee_number="E5", team=spec_people["A"].team)  # no role

    items = list_all(api, on="2026-05-01")

    assert [i["employee_number"] for i in items] == ["E990001", "E990002", "E990003"]
    b = items[1]
    assert (b["eligible"], b["reasons"]) == (
        False,
        [{"code": "overdue", "requirement": "HATE-REFRESHER", "due_date": "2026-04-30"}],
    )
    assert items[0] == single(api, "E990001", on="2026-05-01").json()


def test_list_filters_by_eligibility_and_team(api, spec_people):
    other = TeamFactory(name="East Patch")
    ColleagueFactory(employee_number="E6", role="NHO", start_date=D("2026-01-01"), team=other)

    eligible = list_all(api, on="2026-05-01", eligible="true")
    not_eligible = list_all(api, on="2026-05-01", eligible="false")
    east = list_all(api, on="2026-05-01", team="East Patch")

    assert [i["employee_number"] for i in eligible] == ["E990001", "E990003", "E6"]  # by team, then name
    assert [i["employee_number"] for i in not_eligible] == ["E990002"]
    assert [i["employee_number"] for i in east] == ["E6"]


def test_list_is_paginated(api, spec_people):
    first = api.get("/api/v1/eligibility/", {"case_type": CASE, "on": "2026-05-01", "page_size": 2}).json()
    second = api.get(first["next"]).json()

    assert first["count"] == 3
    assert [i["employee_number"] for i in first["results"]] == ["E990001", "E990002"]
    assert [i["employee_number"] for i in second["results"]] == ["E990003"]
    assert second["next"] is None


def test_every_answer_to_a_machine_client_is_logged(api, spec_people):
    single(api, "E990002", on="2026-05-01")
    bulk(api, ["E990001", "ZZ1"], on="2026-06-01")

    logged = list(
        Decision.objects.order_by("id").values_list(
            "client__name",
            "employee_number",
            "case_type",
            "as_of",
            "eligible",
            "supervision_required",
            "reasons",
        )
    )
    assert logged == [
        (
            "case-system",
            "E990002",
            CASE,
            D("2026-05-01"),
            False,
            False,
            [{"code": "overdue", "requirement": "HATE-REFRESHER", "due_date": "2026-04-30"}],
        ),
        (
            "case-system",
            "E990001",
            CASE,
            D("2026-06-01"),
            True,
            True,
            [
                {"code": "in_induction", "requirement": "BTEC-L2", "due_date": "2027-01-10"},
                {"code": "in_induction", "requirement": "HATE-REFRESHER", "due_date": "2027-01-10"},
            ],
        ),
        (
            "case-system",
            "ZZ1",
            CASE,
            D("2026-06-01"),
            False,
            False,
            [{"code": "unknown_employee", "requirement": None, "due_date": None}],
        ),
    ]
    assert Decision.objects.filter(answered_at__isnull=True).count() == 0


def test_a_key_seen_before_is_checked_again_by_the_log(api, spec_people):
    """Revoked, rotated or stripped of its scope a moment ago: no answer, though this process knew the key."""
    from integrations.models import ApiClient

    assert single(api, "E990001").status_code == 200
    ApiClient.objects.filter(name="case-system").update(scopes=["policies"])
    stripped = single(api, "E990001")
    ApiClient.objects.filter(name="case-system").update(scopes=["eligibility"])
    assert single(api, "E990001").status_code == 200
    ApiClient.objects.filter(name="case-system").update(token_hash="0" * 64)
    rotated = bulk(api, ["E990001"])

    assert (stripped.status_code, stripped.json()["detail"]) == (
        403,
        "This API key does not have the `eligibility` scope.",
    )
    assert (rotated.status_code, rotated.json()["detail"]) == (
        401,
        "The API key is not valid, or has been revoked.",
    )
    assert Decision.objects.count() == 2


def test_an_empty_page_for_a_revoked_key_is_401(api, spec_people):
    from integrations.models import ApiClient

    assert api.get("/api/v1/eligibility/", {"case_type": CASE, "on": "2001-01-01"}).json()["count"] == 0
    ApiClient.objects.filter(name="case-system").update(revoked_at="2026-01-01T00:00Z")

    assert api.get("/api/v1/eligibility/", {"case_type": CASE, "on": "2001-01-01"}).status_code == 401


def test_people_answers_are_not_logged(client, spec_people):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    assert single(client, "E990001", on="2026-06-01").status_code == 200
    assert Decision.objects.count() == 0


# ---------------------------------------------------------------- query counts


def officers(n: int) -> list[str]:
    """n officers with a role and two training records each, made in bulk."""
    team = TeamFactory(name="Bulk Team")
    people = Colleague.objects.bulk_create(
        Colleague(
            employee_number=f"Q{i:05d}",
            first_name="Q",
            last_name=str(i),
            team=team,
            start_date=D("2024-01-01"),
        )
        for i in range(n)
    )
    nho = Role.objects.get(code="NHO")
    RoleAssignment.objects.bulk_create(
        RoleAssignment(colleague=c, role=nho, started_on=c.start_date) for c in people
    )
    courses = {c.code: c for c in Course.objects.all()}
    TrainingRecord.objects.bulk_create(
        TrainingRecord(colleague=c, course=courses[code], completed_on=D(day))
        for c in people
        for code, day in (("BTEC2-CSC", "2024-06-01"), ("HC-REFRESHER", "2025-01-01"))
    )
    return [c.employee_number for c in people]


@pytest.fixture
def warm(api, settings, reference):
    """A first request loads the catalogue and stamps the key's last use; counts are of later requests."""
    settings.COMPLIANCE_CATALOGUE_CACHE_SECONDS = 3600
    bulk(api, ["nobody"])
    return api


def test_single_lookup_takes_two_queries(warm, reference):
    number = officers(1)[0]
    with CaptureQueriesContext(connection) as ctx:
        response = single(warm, number, on="2026-06-01")
    assert response.status_code == 200
    # The colleague with role spells, records and waivers (one UNION ALL); the decision log,
    # whose INSERT checks the key, seen by this process a moment ago, is still live.
    assert len(ctx.captured_queries) == 2


@pytest.mark.parametrize(("count", "queries"), [(1, 2), (50, 2), (51, 3), (1000, 3)])
def test_bulk_takes_a_fixed_number_of_queries(warm, reference, count, queries):
    numbers = officers(count)
    with CaptureQueriesContext(connection) as ctx:
        response = bulk(warm, numbers, on="2026-06-01")
    assert response.status_code == 200
    assert [r["eligible"] for r in response.json()["results"]] == [True] * count
    # The facts (up to 50 numbers one UNION ALL with the colleagues, beyond that the
    # numbers resolved to ids first); the decision log in one INSERT that checks the key.
    assert len(ctx.captured_queries) == queries
    assert Decision.objects.filter(as_of=D("2026-06-01")).count() == count


@pytest.mark.parametrize("count", [1, 30])
def test_list_page_takes_a_fixed_number_of_queries(warm, reference, count):
    officers(count)
    with CaptureQueriesContext(connection) as ctx:
        response = warm.get("/api/v1/eligibility/", {"case_type": CASE, "on": "2026-06-01"})
    assert response.json()["count"] == count
    # count; the page's colleagues; their facts; the decision log (checking the key).
    assert len(ctx.captured_queries) == 4
