"""The SQL forms of the engine's date checks (compliance.queries) give the engine's answers.

One table per check; each row is asked of the engine's pure function and of
the database, and both must give the expected answer. Dates sit on month ends,
29 February and the leaving day itself, where an off-by-one would hide.
"""

import datetime as dt

import pytest

from compliance import engine, queries
from compliance.engine import ColleagueFacts, RequirementRule, RoleSpell, dues_to_meet
from compliance.enums import Status
from compliance.models import Requirement
from people.models import Colleague, Role, RoleAssignment
from tests.factories import ColleagueFactory

D = dt.date.fromisoformat

# (start_date, leaving_date, day, active on day)
ACTIVE = [
    ("2024-02-29", None, "2024-02-28", False),
    ("2024-02-29", None, "2024-02-29", True),
    ("2024-02-29", None, "2028-02-29", True),
    ("2025-01-31", None, "2025-01-30", False),
    ("2025-01-31", None, "2025-01-31", True),
    ("2020-01-31", "2025-02-28", "2025-02-28", True),  # leaving on the date: still here
    ("2020-01-31", "2025-02-28", "2025-03-01", False),
    ("2020-01-01", "2024-02-29", "2024-02-29", True),
    ("2020-01-01", "2024-02-29", "2024-03-01", False),
    ("2025-12-31", "2025-12-31", "2025-12-30", False),  # a one-day colleague
    ("2025-12-31", "2025-12-31", "2025-12-31", True),
    ("2025-12-31", "2025-12-31", "2026-01-01", False),
]


def _facts(start, leaving, roles=()):
    return ColleagueFacts("E1", D(start), D(leaving) if leaving else None, roles=roles)


@pytest.fixture
def colleagues_by_case(db):
    made = {}
    for i, (start, leaving, _, _) in enumerate(ACTIVE):
        made[i] = ColleagueFactory(start_date=D(start), leaving_date=D(leaving) if leaving else None).pk
    return made


def test_active_on_in_sql_gives_the_engines_answer(colleagues_by_case):
    for i, (start, leaving, day, expected) in enumerate(ACTIVE):
        pk = colleagues_by_case[i]
        in_sql = Colleague.objects.filter(queries.active_on(D(day)), pk=pk).exists()
        assert (in_sql, _facts(start, leaving).active_on(D(day))) == (expected, expected), ACTIVE[i]


def test_active_on_reaches_the_colleague_through_a_relation(colleagues_by_case, reference):
    nho = Role.objects.get(code="NHO")
    for i, (start, *_) in enumerate(ACTIVE):
        RoleAssignment.objects.create(colleague_id=colleagues_by_case[i], role=nho, started_on=D(start))
    for i, (_, _, day, expected) in enumerate(ACTIVE):
        found = RoleAssignment.objects.filter(
            queries.active_on(D(day), through="colleague__"), colleague_id=colleagues_by_case[i]
        ).exists()
        assert found == expected, ACTIVE[i]


def test_left_before_in_sql_gives_the_engines_answer(colleagues_by_case):
    for i, (start, leaving, day, _) in enumerate(ACTIVE):
        facts = _facts(start, leaving)
        in_sql = Colleague.objects.filter(queries.left_before(D(day)), pk=colleagues_by_case[i]).exists()
        assert in_sql == facts.left_before(D(day)), ACTIVE[i]
        # Left before the day means: had started by then and is no longer active.
        assert facts.left_before(D(day)) == (facts.start_date <= D(day) and not facts.active_on(D(day)))


# Role spells (role, started_on), stored in this order, and (day, role held that day).
SPELLS = [("CSO", "2025-02-28"), ("NHO", "2024-02-29"), ("CSM", "2025-03-31")]
ROLE_ON = [
    ("2024-02-28", None),
    ("2024-02-29", "NHO"),
    ("2025-02-27", "NHO"),
    ("2025-02-28", "CSO"),
    ("2025-03-30", "CSO"),
    ("2025-03-31", "CSM"),
    ("2030-01-01", "CSM"),
]


@pytest.mark.parametrize(("day", "expected"), ROLE_ON)
def test_role_on_in_sql_gives_the_engines_answer(reference, day, expected):
    colleague = ColleagueFactory(start_date=D("2024-02-29"))
    for code, started_on in SPELLS:
        RoleAssignment.objects.create(
            colleague=colleague, role=Role.objects.get(code=code), started_on=D(started_on)
        )
    facts = _facts("2024-02-29", None, tuple(RoleSpell(code, D(on)) for code, on in SPELLS))
    in_sql = Colleague.objects.filter(pk=colleague.pk).annotate(then=queries.role_on(D(day))).get().then
    spell = facts.role_on(D(day))
    assert (in_sql, spell.role if spell else None) == (expected, expected)


def test_role_on_gives_the_start_of_that_spell(reference):
    colleague = ColleagueFactory(start_date=D("2024-02-29"))
    for code, started_on in SPELLS:
        RoleAssignment.objects.create(
            colleague=colleague, role=Role.objects.get(code=code), started_on=D(started_on)
        )
    found = (
        Colleague.objects.filter(pk=colleague.pk)
        .annotate(since=queries.role_on(D("2025-03-30"), field="started_on"))
        .get()
        .since
    )
    assert found == D("2025-02-28")


# (in_force_from, in_force_until, day, in force on day)
IN_FORCE = [
    ("2024-02-29", None, "2024-02-28", False),
    ("2024-02-29", None, "2024-02-29", True),
    ("2015-05-01", "2025-01-31", "2025-01-31", True),
    ("2015-05-01", "2025-01-31", "2025-02-01", False),
    ("2015-05-01", "2024-02-29", "2024-02-29", True),
    ("2015-05-01", "2024-02-29", "2024-03-01", False),
    ("2026-03-01", "2026-03-01", "2026-02-28", False),  # a requirement for one day
    ("2026-03-01", "2026-03-01", "2026-03-01", True),
    ("2026-03-01", "2026-03-01", "2026-03-02", False),
]


@pytest.mark.django_db
def test_in_force_on_in_sql_gives_the_engines_answer():
    for i, (start, until, _, _) in enumerate(IN_FORCE):
        Requirement.objects.create(
            code=f"R{i}", name=f"R{i}", in_force_from=D(start), in_force_until=D(until) if until else None
        )
    for i, (start, until, day, expected) in enumerate(IN_FORCE):
        rule = RequirementRule(
            f"R{i}",
            f"R{i}",
            frozenset(),
            frozenset(),
            in_force_from=D(start),
            in_force_until=until and D(until),
        )
        in_sql = queries.requirements_in_force_on(D(day)).filter(code=f"R{i}").exists()
        assert (in_sql, rule.in_force_on(D(day))) == (expected, expected), IN_FORCE[i]


def _status(code, status, due):
    return engine.RequirementStatus(code, status, D(due) if due else None, None)


# (leaving_date, statuses as (code, status, due_date), the codes that still ask for training)
DUES = [
    (None, [("A", Status.COMPLIANT, None)], []),  # a qualification held: nothing due
    (None, [("A", Status.EXEMPT, None)], []),
    (None, [("A", Status.COMPLIANT, "2027-02-28"), ("B", Status.PENDING, "2027-01-31")], ["A", "B"]),
    ("2027-02-28", [("A", Status.DUE_SOON, "2027-02-28")], ["A"]),  # due on the leaving day
    ("2027-02-28", [("A", Status.PENDING, "2027-03-01")], []),  # due after they leave
    ("2024-02-29", [("A", Status.OVERDUE, "2024-03-31")], ["A"]),  # already owed
]


@pytest.mark.parametrize(("leaving", "statuses", "expected"), DUES)
def test_dues_to_meet_keeps_the_due_dates_that_still_ask_for_training(leaving, statuses, expected):
    facts = _facts("2020-01-01", leaving)
    kept = dues_to_meet(facts, [_status(*s) for s in statuses])
    assert [s.code for s in kept] == expected
