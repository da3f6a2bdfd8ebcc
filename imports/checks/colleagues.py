"""Colleagues: a row whose employee_number exists updates that colleague (docs/interfaces.md §3.1)."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from people.services import RoleChange, role_change_plan

from ..cells import CellProblem, Problem, checked_text, parse_date, shown, text
from ..reading import Columns, Table
from . import CREATED, UNCHANGED, UPDATED, Outcome, preview, report_every

COLUMNS = Columns(
    required=("employee_number", "first_name", "last_name", "role", "team", "start_date"),
    optional=("email", "manager", "role_start_date", "leaving_date"),
)
# The file's columns in the order of docs/interfaces.md §3.1: also the preview's and the export's.
COLUMN_ORDER = (
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "role",
    "team",
    "manager",
    "start_date",
    "role_start_date",
    "leaving_date",
)
MAX_LENGTH = {
    "employee_number": 30,
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "team": 200,
    "role": 200,
}


@dataclass(frozen=True)
class StoredColleague:
    id: int
    first_name: str
    last_name: str
    email: str
    team_id: int | None
    line_manager_id: int | None
    start_date: dt.date
    leaving_date: dt.date | None
    # The latest role assignment, and when the one before it started (a corrected
    # date must not slip behind it, or the "current" role would change).
    assignment_id: int | None = None
    role_id: int | None = None
    role_started_on: dt.date | None = None
    previous_started_on: dt.date | None = None


@dataclass(frozen=True)
class ColleagueLookups:
    colleagues: dict[str, StoredColleague]  # employee_number -> stored colleague
    numbers: dict[int, str]  # colleague id -> employee_number
    teams: dict[str, tuple[int, str]]  # team name, lower case -> (id, name)
    roles: dict[str, tuple[int, str]]  # role code or name, lower case -> (id, code)
    role_names: dict[int, str] = field(default_factory=dict)  # role id -> code
    team_names: dict[int, str] = field(default_factory=dict)  # team id -> name


@dataclass
class ColleagueChange:
    """The colleague as the file leaves them. `team` is a team id, or the name of a team to create."""

    row: int
    employee_number: str
    stored: StoredColleague | None
    first_name: str
    last_name: str
    email: str
    team: int | str
    manager: str | None  # the manager's employee number
    start_date: dt.date
    leaving_date: dt.date | None
    role_id: int
    role_started_on: dt.date
    role_change: RoleChange


@dataclass
class ColleaguePlan:
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    creates: list[ColleagueChange] = field(default_factory=list)
    updates: list[ColleagueChange] = field(default_factory=list)
    unchanged: int = 0
    new_teams: dict[str, str] = field(default_factory=dict)  # lower case -> name as first written
    manager_ids: dict[str, int] = field(default_factory=dict)  # managers already stored: number -> id
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # rows of leavers past the retention period


def colleague_check(
    table: Table,
    lookups: ColleagueLookups,
    *,
    create_teams: bool,
    forgotten_before: dt.date | None = None,
    preview_rows: int = 0,
    progress=None,
) -> ColleaguePlan:
    """Check every row and the file as a whole; plan the changes.

    An empty optional cell keeps what is stored (a file never erases), so an
    HR system export that lacks emails leaves the emails alone. A row for a
    colleague not stored here who left before `forgotten_before` is skipped
    (`plan.skipped`), not checked further and not stored: the retention rule
    has removed their personal data, and HR systems export every leaver they
    hold, so such rows are expected rather than a fault in the file. A stored
    colleague whose row shows such a date is an ordinary update: the retention
    rule erases them on its next run.
    """
    plan = ColleaguePlan(rows=len(table.rows))
    column = {name: i for i, name in enumerate(table.columns)}
    step = report_every(plan.rows)
    changes: list[ColleagueChange] = []
    first_row: dict[str, int] = {}
    dates: dict = {}
    i_number = column["employee_number"]
    in_file = set()
    for done, (number, cells) in enumerate(table.rows, 1):
        if progress is not None and done % step == 0:
            progress("Checking rows", done, plan.rows)
        if forgotten_before is not None and _left_long_ago(cells, column, lookups, forgotten_before, dates):
            plan.skipped.append(number)
            continue
        in_file.add(text(cells[i_number]))
        change = _row(number, cells, column, lookups, plan, create_teams, dates)
        if change is None:
            continue
        if change.employee_number in first_row:
            plan.problems.append(
                Problem(number, "employee_number", f"also on row {first_row[change.employee_number]}")
            )
            continue
        first_row[change.employee_number] = number
        changes.append(change)

    _check_managers(changes, lookups, in_file, plan.problems)
    plan.problems.sort(key=lambda p: p.row)
    if plan.problems:
        return plan

    plan.manager_ids = {
        c.manager: lookups.colleagues[c.manager].id for c in changes if c.manager in lookups.colleagues
    }
    changing_rows: list[Outcome] = []
    unchanged_rows: list[Outcome] = []
    for change in changes:
        before = _differences(change, lookups)
        if change.stored is None:
            plan.creates.append(change)
            action = CREATED
        elif before:
            plan.updates.append(change)
            action = UPDATED
        else:
            plan.unchanged += 1
            action = UNCHANGED
        shelf = unchanged_rows if action == UNCHANGED else changing_rows
        if len(shelf) < preview_rows:
            shelf.append(Outcome(change.row, action, _shown_values(change, lookups), before))
    plan.outcomes = preview(changing_rows, unchanged_rows, preview_rows)
    if progress is not None:
        progress("Checking rows", plan.rows, plan.rows)
    return plan


def _left_long_ago(cells, column, lookups: ColleagueLookups, forgotten_before: dt.date, dates) -> bool:
    """A colleague not stored here whose leaving date is before `forgotten_before`.

    Decided before any other check: an old leaver's role or team may no longer
    exist, and a row that is not stored cannot be wrong. A leaving date that
    cannot be read is left to the ordinary checks, which report it.
    """
    i_leaving = column.get("leaving_date")
    if i_leaving is None or text(cells[i_leaving]) == "":
        return False
    if text(cells[column["employee_number"]]) in lookups.colleagues:
        return False
    try:
        return parse_date(cells[i_leaving], dates) < forgotten_before
    except CellProblem:
        return False


def _row(number, cells, column, lookups: ColleagueLookups, plan: ColleaguePlan, create_teams, dates):
    problems = plan.problems
    found = len(problems)

    def cell(name):
        index = column.get(name)
        return None if index is None else cells[index]

    def required_text(name):
        try:
            value = checked_text(cell(name), max_length=MAX_LENGTH[name])
        except CellProblem as e:
            problems.append(Problem(number, name, str(e)))
            return ""
        if not value:
            problems.append(Problem(number, name, "empty: every row needs one"))
        return value

    def date(name, required=False):
        if text(cell(name)) == "":
            if required:
                problems.append(Problem(number, name, "empty: every row needs one"))
            return None
        try:
            return parse_date(cell(name), dates)
        except CellProblem as e:
            problems.append(Problem(number, name, str(e)))
            return None

    employee_number = required_text("employee_number")
    stored = lookups.colleagues.get(employee_number)
    first_name = required_text("first_name")
    last_name = required_text("last_name")

    email = ""
    try:
        email = checked_text(cell("email"), max_length=MAX_LENGTH["email"])
        if email:
            validate_email(email)
    except CellProblem as e:
        problems.append(Problem(number, "email", str(e)))
    except ValidationError:
        problems.append(Problem(number, "email", f"{shown(email)} is not an email address"))
    if not email and stored is not None:
        email = stored.email

    role_text = required_text("role")
    role = lookups.roles.get(role_text.lower()) if role_text else None
    if role_text and role is None:
        codes = ", ".join(sorted({code for _, code in lookups.roles.values()}))
        problems.append(Problem(number, "role", f"no role {shown(role_text)}; the roles are {codes}"))

    team_name = required_text("team")
    team: int | str | None = None
    if team_name:
        known = lookups.teams.get(team_name.lower())
        if known is not None:
            team = known[0]
        elif create_teams:
            # The spelling first written names the new team for every row.
            team = plan.new_teams.setdefault(team_name.lower(), team_name)
        else:
            problems.append(
                Problem(
                    number,
                    "team",
                    f"no team {shown(team_name)} yet: check the spelling, or allow new teams "
                    "(--create-teams, or tick “allow new teams”) to add it",
                )
            )

    manager = text(cell("manager"))
    if len(manager) > MAX_LENGTH["employee_number"]:
        problems.append(Problem(number, "manager", f"{shown(manager)} is not an employee number"))
    if not manager and stored is not None and stored.line_manager_id is not None:
        manager = lookups.numbers.get(stored.line_manager_id, "")

    start_date = date("start_date", required=True)
    leaving_date = date("leaving_date")
    if leaving_date is None and stored is not None:
        leaving_date = stored.leaving_date
    role_started_on = date("role_start_date")
    if start_date and leaving_date and leaving_date < start_date:
        problems.append(
            Problem(
                number,
                "leaving_date",
                f"{leaving_date:%d/%m/%Y} is before the start date {start_date:%d/%m/%Y}",
            )
        )
    if len(problems) > found:
        return None

    role_id = role[0]
    if role_started_on is None:
        if stored is not None and stored.role_id is not None:
            if stored.role_id != role_id:
                was = lookups.role_names.get(stored.role_id, "another role")
                problems.append(
                    Problem(
                        number,
                        "role_start_date",
                        f"the role changes from {was} to {role[1]}: give the date the new role started",
                    )
                )
                return None
            # A first role dated from the start date moves with a corrected start date.
            first_role = stored.role_started_on == stored.start_date and stored.previous_started_on is None
            role_started_on = start_date if first_role else stored.role_started_on
        else:
            role_started_on = start_date  # docs/interfaces.md §3.1: role_start_date defaults to start_date
    role_change = role_change_plan(
        current_role_id=stored.role_id if stored else None,
        current_started_on=stored.role_started_on if stored else None,
        role_id=role_id,
        started_on=role_started_on,
    )
    if role_started_on < start_date:
        problems.append(
            Problem(
                number,
                "role_start_date",
                f"{role_started_on:%d/%m/%Y} is before the start date {start_date:%d/%m/%Y}",
            )
        )
    elif leaving_date and role_started_on > leaving_date:
        problems.append(
            Problem(
                number,
                "role_start_date",
                f"{role_started_on:%d/%m/%Y} is after the leaving date {leaving_date:%d/%m/%Y}",
            )
        )
    elif (
        role_change is RoleChange.NEW_ASSIGNMENT
        and stored is not None
        and stored.role_started_on is not None
        and role_started_on < stored.role_started_on
    ):
        was = lookups.role_names.get(stored.role_id, "the current role")
        problems.append(
            Problem(
                number,
                "role_start_date",
                f"{role_started_on:%d/%m/%Y} is before the current role ({was}, from "
                f"{stored.role_started_on:%d/%m/%Y}) started: a new role starts after it",
            )
        )
    elif (
        role_change is RoleChange.CORRECT_DATE
        and stored.previous_started_on is not None
        and role_started_on <= stored.previous_started_on
    ):
        problems.append(
            Problem(
                number,
                "role_start_date",
                f"{role_started_on:%d/%m/%Y} is not after the previous role started "
                f"({stored.previous_started_on:%d/%m/%Y})",
            )
        )
    if len(problems) > found:
        return None
    return ColleagueChange(
        row=number,
        employee_number=employee_number,
        stored=stored,
        first_name=first_name,
        last_name=last_name,
        email=email,
        team=team,
        manager=manager or None,
        start_date=start_date,
        leaving_date=leaving_date,
        role_id=role_id,
        role_started_on=role_started_on,
        role_change=role_change,
    )


def _check_managers(changes, lookups: ColleagueLookups, numbers_in_file: set[str], problems) -> None:
    """Each manager is a colleague here or in the file, and no chain of managers comes back on itself."""
    in_file = {c.employee_number: c for c in changes}
    valid: dict[str, str | None] = {}
    for c in changes:
        if c.manager is None:
            valid[c.employee_number] = None
        elif c.manager == c.employee_number:
            problems.append(Problem(c.row, "manager", "a colleague cannot be their own manager"))
        elif c.manager not in lookups.colleagues and c.manager not in numbers_in_file:
            problems.append(
                Problem(c.row, "manager", f"{shown(c.manager)} is not a colleague, here or in this file")
            )
        else:
            valid[c.employee_number] = c.manager

    def manager_of(number: str) -> str | None:
        if number in in_file:
            return valid.get(number)
        stored = lookups.colleagues.get(number)
        if stored is None or stored.line_manager_id is None:
            return None
        return lookups.numbers.get(stored.line_manager_id)

    # Each colleague has at most one manager, so following managers from every
    # row visits each colleague once: a walk that meets itself is a loop.
    finished: set[str] = set()
    for c in changes:
        path: list[str] = []
        on_path: dict[str, int] = {}
        number: str | None = c.employee_number
        while number is not None and number not in finished:
            if number in on_path:
                loop = path[on_path[number] :]
                rows = [in_file[n].row for n in loop if n in in_file]
                if rows and len(loop) > 1:
                    where = min(rows)
                    start = next(n for n in loop if n in in_file and in_file[n].row == where)
                    turn = loop[loop.index(start) :] + loop[: loop.index(start)] + [start]
                    problems.append(Problem(where, "manager", "a loop of managers: " + " → ".join(turn)))
                break
            on_path[number] = len(path)
            path.append(number)
            number = manager_of(number)
        finished.update(path)


def _differences(change: ColleagueChange, lookups: ColleagueLookups) -> dict[str, str]:
    """The stored value of each column the row changes (empty for a new colleague)."""
    s = change.stored
    if s is None:
        return {}
    before: dict[str, str] = {}

    def differs(name, old, new, show=str):
        if old != new:
            before[name] = "" if old is None else show(old)

    differs("first_name", s.first_name, change.first_name)
    differs("last_name", s.last_name, change.last_name)
    differs("email", s.email, change.email)
    differs("team", s.team_id, change.team, lambda t: lookups.team_names.get(t, str(t)))
    old_manager = lookups.numbers.get(s.line_manager_id) if s.line_manager_id else None
    differs("manager", old_manager, change.manager)
    differs("start_date", s.start_date, change.start_date, dt.date.isoformat)
    differs("leaving_date", s.leaving_date, change.leaving_date, dt.date.isoformat)
    if change.role_change is not RoleChange.UNCHANGED:
        differs("role", s.role_id, change.role_id, lambda r: lookups.role_names.get(r, ""))
        differs("role_start_date", s.role_started_on, change.role_started_on, dt.date.isoformat)
    return before


def _shown_values(change: ColleagueChange, lookups: ColleagueLookups) -> list[str]:
    team = change.team if isinstance(change.team, int) else None
    return [
        change.employee_number,
        change.first_name,
        change.last_name,
        change.email,
        lookups.role_names.get(change.role_id, ""),
        lookups.team_names.get(team, "") if team is not None else change.team,
        change.manager or "",
        change.start_date.isoformat(),
        change.role_started_on.isoformat(),
        change.leaving_date.isoformat() if change.leaving_date else "",
    ]
