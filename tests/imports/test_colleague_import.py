"""import_colleagues: teams, roles and role history, managers and their loops, dates (docs/interfaces.md §2, §3.1; issue 3)."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.selectors import compliance_on
from imports.models import ImportBatch
from imports.resources import ColleagueResource, SourceFile
from people.models import Colleague, Role, RoleAssignment, Team
from people.services import colleague_role_set
from tests.factories import ColleagueFactory
from tests.imports.helpers import COLLEAGUE_HEADER, csv_bytes, d, run_import, written

pytestmark = pytest.mark.django_db


def colleagues(tmp_path, rows, *args, header=COLLEAGUE_HEADER):
    return run_import(
        "import_colleagues", tmp_path, csv_bytes(header, rows, bom=True), *args, name="colleagues.csv"
    )


# The org fixture's officers, so a row about them changes only what a test means to change.
KNOWN = {
    "E1": ("Amira", "Khan", "amira.khan@example.org"),
    "E2": ("Ben", "Birch", "ben.birch@example.org"),
    "E3": ("Cara", "Cole", "cara.cole@example.org"),
}


def row(
    number,
    role="NHO",
    team="North Neighbourhoods",
    manager="",
    start="2024-01-08",
    role_start="",
    leaving="",
    **kw,
):
    first, last, email = KNOWN.get(
        number, (f"First{number}", f"Last{number}", f"{number.lower()}@example.org")
    )
    first, last, email = kw.get("first", first), kw.get("last", last), kw.get("email", email)
    return [number, first, last, email, role, team, manager, start, role_start, leaving]


def roles_of(number):
    return list(
        RoleAssignment.objects.filter(colleague__employee_number=number)
        .order_by("started_on")
        .values_list("role__code", "started_on")
    )


def test_new_colleagues_new_teams_and_a_manager_further_down_the_file(org, tmp_path):
    rows = [
        row("E10", team="South Patch", manager="E11", start="06/02/2026"),
        row("E11", role="CSM", team="south patch", manager="E1", start="2019-03-01"),
    ]
    run = colleagues(tmp_path, rows, "--create-teams")
    assert (run.code, run.lines) == (0, ["new team: “South Patch”", "created 2, updated 0, unchanged 0"])
    e10 = Colleague.objects.select_related("team", "line_manager").get(employee_number="E10")
    assert (e10.team.name, e10.line_manager.employee_number, e10.start_date) == (
        "South Patch",
        "E11",
        d("2026-02-06"),
    )
    assert Colleague.objects.get(employee_number="E11").line_manager == org["E1"]
    assert roles_of("E10") == [("NHO", d("2026-02-06"))]  # role_start_date defaults to start_date
    batch = ImportBatch.objects.get()
    assert Team.objects.get(name="South Patch").import_batch == batch
    assert set(
        RoleAssignment.objects.filter(import_batch=batch).values_list("colleague__employee_number", flat=True)
    ) == {"E10", "E11"}
    assert Colleague.history.model.objects.filter(import_batch_id=batch.pk, history_type="+").count() == 2


def test_a_team_not_yet_known_rejects_the_file_unless_new_teams_are_allowed(org, tmp_path):
    before = written()
    run = colleagues(tmp_path, [row("E10", team="South Patch"), row("E11", team="NORTH neighbourhoods ")])
    assert (run.code, run.lines) == (
        1,
        [
            "row 2: team: no team “South Patch” yet: check the spelling, or allow new teams (--create-teams, "
            "or tick “allow new teams”) to add it"
        ],
    )
    assert written() == before


def test_the_same_file_again_changes_nothing(org, tmp_path):
    rows = [
        row("E10", manager="E1", role_start="2024-03-01", leaving="31/12/2026"),
        row("E11", role="Community Safety Officer"),
    ]
    assert colleagues(tmp_path, rows).last == "created 2, updated 0, unchanged 0"
    before = written()
    assert colleagues(tmp_path, rows).last == "created 0, updated 0, unchanged 2"
    assert written() == before
    assert roles_of("E11") == [("CSO", d("2024-01-08"))]


def test_a_known_employee_number_updates_that_colleague(org, tmp_path):
    rows = [
        row("E2", first="Benjamin", last="Birch", email="", manager="E1", start="2020-05-01"),
        row(
            "E3",
            role="CSO",
            first="Cara",
            last="Cole",
            email="cara.cole@example.org",
            manager="",
            start="2021-09-06",
        ),
    ]
    run = colleagues(tmp_path, rows)
    assert run.last == "created 0, updated 1, unchanged 1"
    e2 = Colleague.objects.get(employee_number="E2")
    # An empty cell keeps what is stored: E2's email, E3's manager.
    assert (e2.first_name, e2.email) == ("Benjamin", "ben.birch@example.org")
    assert Colleague.objects.get(employee_number="E3").line_manager == org["E1"]
    versions = list(
        e2.history.order_by("history_id").values_list("history_type", "first_name", "history_change_reason")
    )
    batch = ImportBatch.objects.get()
    assert versions == [("+", "Ben", None), ("~", "Benjamin", f"Import {batch.pk}: colleagues.csv")]


def test_a_role_change_with_its_date_starts_the_new_roles_clock(org, tmp_path):
    run = colleagues(
        tmp_path, [row("E2", role="CSO", manager="E1", start="2020-05-01", role_start="05/01/2026")]
    )
    assert run.last == "created 0, updated 1, unchanged 0"
    assert roles_of("E2") == [("NHO", d("2020-05-01")), ("CSO", d("2026-01-05"))]
    [officer] = compliance_on(Colleague.objects.filter(employee_number="E2"), dt.date(2026, 11, 28))
    btec = next(s for s in officer.statuses if s.code == "BTEC-L3")
    assert (officer.role, btec.due_date) == ("CSO", d("2027-01-05"))
    assert Colleague.history.model.objects.filter(employee_number="E2").count() == 1  # only the role changed


def test_a_role_change_without_its_date_is_refused(org, tmp_path):
    before = written()
    run = colleagues(tmp_path, [row("E2", role="CSO", start="2020-05-01")])
    assert run.lines == [
        "row 2: role_start_date: the role changes from NHO to CSO: give the date the new role started"
    ]
    assert written() == before


def test_the_same_role_with_another_date_corrects_the_current_assignment(org, tmp_path):
    colleagues(tmp_path, [row("E2", role="CSO", start="2020-05-01", role_start="2025-01-06")])
    run = colleagues(tmp_path, [row("E2", role="CSO", start="2020-05-01", role_start="2025-02-03")])
    assert run.last == "created 0, updated 1, unchanged 0"
    assert roles_of("E2") == [("NHO", d("2020-05-01")), ("CSO", d("2025-02-03"))]


def test_a_corrected_start_date_carries_a_first_role_dated_from_it(org, tmp_path):
    assert colleagues(tmp_path, [row("E2", start="2020-06-01")]).last == "created 0, updated 1, unchanged 0"
    assert roles_of("E2") == [("NHO", d("2020-06-01"))]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [row("E2", role="CSO", start="2020-05-01", role_start="2019-01-01")],
            "row 2: role_start_date: 01/01/2019 is before the start date 01/05/2020",
        ),
        (
            [row("E10", leaving="2025-01-01", start="2025-02-01")],
            "row 2: leaving_date: 01/01/2025 is before the start date 01/02/2025",
        ),
        (
            [row("E10", role_start="2025-01-01", leaving="2024-12-31")],
            "row 2: role_start_date: 01/01/2025 is after the leaving date 31/12/2024",
        ),
        ([row("E10", role="Caretaker")], "row 2: role: no role “Caretaker”; the roles are CSM, CSO, NHO"),
        ([row("E10", role="")], "row 2: role: empty: every row needs one"),
        ([row("E10", team="")], "row 2: team: empty: every row needs one"),
        ([row("E10", first="")], "row 2: first_name: empty: every row needs one"),
        ([row("E10", start="")], "row 2: start_date: empty: every row needs one"),
        ([row("E10", start="2024-02-30")], "row 2: start_date: there is no such date as “2024-02-30”"),
        ([row("E10", email="not-an-email")], "row 2: email: “not-an-email” is not an email address"),
        ([row("E" + "9" * 30)], "row 2: employee_number: 31 characters; at most 30 fit"),
        ([row("E10", manager="E404")], "row 2: manager: “E404” is not a colleague, here or in this file"),
        ([row("E10", manager="E10")], "row 2: manager: a colleague cannot be their own manager"),
        ([row("E10"), row("E10")], "row 3: employee_number: also on row 2"),
        (
            [row("E10", manager="E11"), row("E11", manager="E12"), row("E12", manager="E10")],
            "row 2: manager: a loop of managers: E10 → E11 → E12 → E10",
        ),
        (
            [row("E1", role="CSM", manager="E2", start="2018-04-01")],
            "row 2: manager: a loop of managers: E1 → E2 → E1",
        ),
        (
            [
                row("E2", role="CSO", start="2020-05-01", role_start="2025-01-06"),
                row("E3", role="CSO", start="2021-09-06", role_start="2021-09-06"),
            ],
            None,
        ),
    ],
    ids=[
        "role start before start",
        "leaving before start",
        "role start after leaving",
        "unknown role",
        "no role",
        "no team",
        "no first name",
        "no start date",
        "impossible date",
        "bad email",
        "number too long",
        "unknown manager",
        "own manager",
        "duplicate row",
        "loop in the file",
        "loop through stored colleagues",
        "control: a good file",
    ],
)
def test_each_problem_rejects_the_whole_file_with_one_line(org, tmp_path, rows, message):
    before = written()
    run = colleagues(tmp_path, rows)
    if message is None:
        assert (run.code, run.last) == (0, "created 0, updated 1, unchanged 1")
        return
    assert (run.code, run.lines) == (1, [message])
    assert written() == before


def test_a_new_role_dated_before_the_current_one_is_refused(org, tmp_path):
    colleagues(tmp_path, [row("E2", role="CSO", start="2020-05-01", role_start="2025-01-06")])
    run = colleagues(tmp_path, [row("E2", role="CSM", start="2020-05-01", role_start="2024-01-01")])
    assert run.lines == [
        "row 2: role_start_date: 01/01/2024 is before the current role (CSO, from 06/01/2025) started: "
        "a new role starts after it"
    ]
    run = colleagues(tmp_path, [row("E2", role="CSO", start="2020-05-01", role_start="2020-05-01")])
    assert run.lines == [
        "row 2: role_start_date: 01/05/2020 is not after the previous role started (01/05/2020)"
    ]


def test_a_manager_may_be_a_stored_colleague_not_in_the_file(org, tmp_path):
    assert colleagues(tmp_path, [row("E10", manager="E3")]).code == 0
    assert Colleague.objects.get(employee_number="E10").line_manager == org["E3"]


@pytest.mark.parametrize("size", [1, 50])
def test_query_count_does_not_grow_with_the_file(org, size):
    rows = [row(f"N{i}", manager="E1") for i in range(size)]
    content = csv_bytes(COLLEAGUE_HEADER, rows)
    with CaptureQueriesContext(connection) as new:
        ColleagueResource().import_data(SourceFile(content, "c.csv"), file_name="c.csv")
    changed = csv_bytes(COLLEAGUE_HEADER, [[r[0], "Renamed", *r[2:]] for r in rows])
    with CaptureQueriesContext(connection) as updated:
        ColleagueResource().import_data(SourceFile(changed, "c.csv"), file_name="c.csv")
    assert Colleague.objects.filter(first_name="Renamed").count() == size
    # Batch: insert, running, same file?; savepoint, lock; assignments, colleagues, teams, roles;
    # new: ids + COPY + history COPY for colleagues and for assignments; updated: temporary table,
    # COPY, UPDATE ... RETURNING, drop, history COPY; batch saved, release.
    assert (len(new), len(updated)) == (17, 16)


def test_role_history_follows_colleague_role_set_step_for_step(org, tmp_path):
    """The bulk import applies people.services.role_change_plan exactly as colleague_role_set does."""
    serial = itertools.count()

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        st.lists(
            st.tuples(st.sampled_from(["NHO", "CSO", "CSM"]), st.integers(0, 40)), min_size=1, max_size=5
        )
    )
    def check(steps):
        n = next(serial)
        by_hand = ColleagueFactory(employee_number=f"H{n}", start_date=dt.date(2022, 1, 3))
        for code, days in steps:
            started = dt.date(2022, 1, 3) + dt.timedelta(days=days * 10)
            rows = [row(f"I{n}", role=code, start="2022-01-03", role_start=started.isoformat())]
            run = colleagues(tmp_path, rows)
            if run.code == 0:  # the import refuses what would rewrite the past; by hand applies the rest
                colleague_role_set(colleague=by_hand, role=Role.objects.get(code=code), started_on=started)
            assert roles_of(f"I{n}") == roles_of(f"H{n}")

    check()


def test_leavers_past_the_retention_period_are_skipped_reported_and_not_stored(org, tmp_path, settings):
    """privacy/ removes a leaver's data six years on; HR systems export every leaver they hold.

    Today is 28/11/2026, so a leaving date before 28/11/2020 is past the period.
    """
    settings.RETENTION_YEARS_AFTER_LEAVING = 6
    rows = [
        row("E10", start="2010-01-04", leaving="27/11/2020"),
        row("E11"),
        # An old leaver's role and team may be long gone: the row is skipped, not checked.
        row("E12", role="RETIRED-ROLE", team="Closed Office", start="2001-01-01", leaving="2015-03-31"),
        row("E13", start="2010-01-04", leaving="28/11/2020"),  # on the day: kept
        row("E10", start="2010-01-04", leaving="27/11/2020"),  # twice in the file: skipped twice
    ]
    dry = colleagues(tmp_path, rows, "--dry-run")
    assert (dry.code, dry.lines[-2:]) == (
        0,
        [
            "skipped 3 leavers past the retention period (rows 2, 4, 6)",
            "created 2, updated 0, unchanged 0",
        ],
    )
    run = colleagues(tmp_path, rows)
    assert (run.code, run.lines) == (
        0,
        [
            "skipped 3 leavers past the retention period (rows 2, 4, 6)",
            "created 2, updated 0, unchanged 0",
        ],
    )
    assert not Colleague.objects.filter(employee_number__in=["E10", "E12"]).exists()
    assert not Colleague.history.filter(employee_number__in=["E10", "E12"]).exists()
    batch = ImportBatch.objects.get(dry_run=False)
    assert (batch.skipped_rows, [o[0] for o in batch.outcomes]) == ([2, 4, 6], [3, 5])
    # Nothing the skipped rows held is kept with the import either.
    assert "First10" not in str(ImportBatch.objects.values_list("outcomes", "problems", "warnings"))


def test_a_stored_colleague_showing_an_old_leaving_date_is_an_ordinary_update(org, tmp_path, settings):
    """The retention rule, not the import, erases them (on its next run)."""
    settings.RETENTION_YEARS_AFTER_LEAVING = 6
    run = colleagues(tmp_path, [row("E1", role="CSM", start="2018-04-01", leaving="31/12/2019")])
    assert (run.code, run.lines) == (0, ["created 0, updated 1, unchanged 0"])
    assert Colleague.objects.get(employee_number="E1").leaving_date == d("2019-12-31")


def test_an_unreadable_leaving_date_is_still_a_problem_not_a_skip(org, tmp_path, settings):
    settings.RETENTION_YEARS_AFTER_LEAVING = 6
    before = written()
    run = colleagues(tmp_path, [row("E10", start="2010-01-04", leaving="31/13/2015")])
    assert run.code == 1 and run.lines[0].startswith("row 2: leaving_date: ")
    assert written() == before
