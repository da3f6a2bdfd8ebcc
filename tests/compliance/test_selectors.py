import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.selectors import catalogue_load, compliance_on, eligibility_for
from people.models import Colleague
from tests.factories import ColleagueFactory, record

from .catalogue import reference_catalogue

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def test_catalogue_loaded_from_reference_matches_spec(reference):
    loaded = catalogue_load()
    plain = reference_catalogue()
    assert {
        r.code: (r.roles, r.courses, r.first_due_months, r.recurrence_months) for r in loaded.requirements
    } == {r.code: (r.roles, r.courses, r.first_due_months, r.recurrence_months) for r in plain.requirements}
    assert set(loaded.equivalences) == set(plain.equivalences)
    assert loaded.case_types == plain.case_types


def make_officers(n):
    for i in range(n):
        c = ColleagueFactory(role="NHO" if i % 2 else "CSO", start_date=D("2024-01-01"))
        record(c, "HC-REFRESHER", "2025-01-01")
        record(c, "BTEC2-CSC", "2024-06-01")


def queries_for_statuses():
    with CaptureQueriesContext(connection) as ctx:
        result = compliance_on(Colleague.objects.all(), D("2026-01-01"))
    return len(ctx.captured_queries), result


@pytest.mark.parametrize("count", [1, 50])
def test_statuses_cost_a_fixed_number_of_queries(reference, count):
    make_officers(count)
    queries, result = queries_for_statuses()
    # catalogue: 3 link tables + requirements + case-type roles + case types + equivalences = 7;
    # facts: role and course codes + role assignments + training records + waivers + colleagues = 6.

    assert queries == 13
    assert len(result) == count


@pytest.mark.parametrize("count", [1, 50])
def test_eligibility_costs_a_fixed_number_of_queries(reference, count):
    make_officers(count)
    numbers = [*list(Colleague.objects.values_list("employee_number", flat=True)), "ZZ404"]
    with CaptureQueriesContext(connection) as ctx:
        answers = eligibility_for(numbers, "hate_crime", D("2026-01-01"))
    assert len(ctx.captured_queries) == 13
    assert [a.employee_number for a in answers] == numbers
    assert answers[-1].reasons[0].code == "unknown_employee"
