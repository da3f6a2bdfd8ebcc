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


@pytest.mark.parametrize(("count", "queries"), [(1, 8), (49, 8), (50, 9), (200, 9)])
def test_eligibility_costs_a_fixed_number_of_queries(reference, count, queries):
    make_officers(count)
    numbers = [*list(Colleague.objects.values_list("employee_number", flat=True)), "ZZ404"]
    with CaptureQueriesContext(connection) as ctx:
        answers = eligibility_for(numbers, "hate_crime", D("2026-01-01"))
    # catalogue: 7; facts: one UNION ALL with the colleagues for up to 50 numbers,
    # beyond that the numbers resolved to ids first, then the UNION ALL.
    assert len(ctx.captured_queries) == queries
    assert [a.employee_number for a in answers] == numbers
    assert answers[-1].reasons[0].code == "unknown_employee"


@pytest.mark.parametrize("day", ["2025-06-30", "2026-03-01", "2027-01-11"])
def test_every_eligibility_path_gives_the_engines_answer(reference, day):
    """The API's loaders (one query, ids first, a list page) agree with the report's facts, whoever is asked."""
    from django.core.management import call_command

    from compliance import engine, selectors

    call_command("seed_demo", verbosity=0)
    day = D(day)
    catalogue = catalogue_load()
    rule = catalogue.case_types_by_code["hate_crime"]
    expected = {
        f.employee_number: engine.eligibility(f, f.employee_number, rule, catalogue, day, 90)
        for f in selectors.colleague_facts(Colleague.objects.all()).values()
    }
    known = sorted(expected)
    # Everyone twice and an unknown: more than ONE_QUERY_UP_TO, so the ids-first loader runs.
    numbers = [*known, "ZZ1", *known]
    assert len(numbers) > selectors.ONE_QUERY_UP_TO
    expected["ZZ1"] = engine.eligibility(None, "ZZ1", rule, catalogue, day, 90)

    many = eligibility_for(numbers, "hate_crime", day, catalogue)
    one_by_one = [eligibility_for([n], "hate_crime", day, catalogue)[0] for n in known]
    rows = list(selectors.eligibility_candidates(Colleague.objects.all(), rule, day))
    listed = selectors.eligibility_of_rows(rows, rule, day, catalogue)

    assert many == [expected[n] for n in numbers]
    assert one_by_one == [expected[n] for n in known]
    assert listed == [expected[r[1]] for r in rows]
    assert {a.employee_number for a in listed} == {
        n
        for n, a in expected.items()
        if not a.reasons or a.reasons[0].code not in ("inactive", "role_not_permitted", "unknown_employee")
    }
