"""Training records: (employee_number, course, completed_on) names a record (docs/interfaces.md §3.2)."""

import datetime as dt
from dataclasses import dataclass, field

from core.text import quoted

from ..cells import CellProblem, Problem, checked_text, parse_date, text
from ..reading import Columns, Table
from . import CREATED, UNCHANGED, UPDATED, Outcome, preview, report_every

COLUMNS = Columns(
    required=("employee_number", "course", "completed_on"),
    optional=("provider", "certificate", "notes"),
)
# The model's limits; notes are free text but a cell of a novel is a mistake.
MAX_LENGTH = {"provider": 200, "certificate": 200, "notes": 2000}
DETAILS = ("provider", "certificate", "notes")

Key = tuple[int, int, dt.date]


@dataclass(frozen=True)
class TrainingLookups:
    colleagues: dict[str, int]  # employee_number -> colleague id
    courses: dict[str, int]  # course code, upper case -> course id
    existing: dict[Key, tuple[int, str, str, str]]  # key -> (id, provider, certificate, notes)


@dataclass
class TrainingPlan:
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    # (colleague_id, course_id, completed_on, provider, certificate, notes)
    creates: list[tuple] = field(default_factory=list)
    # (id, provider, certificate, notes)
    updates: list[tuple] = field(default_factory=list)
    unchanged: int = 0
    outcomes: list[Outcome] = field(default_factory=list)


def training_check(
    table: Table, lookups: TrainingLookups, *, today: dt.date, preview_rows: int = 0, progress=None
) -> TrainingPlan:
    """Check every row; plan what to create and update. A record is only updated by a non-empty cell
    that differs: an empty provider, certificate or notes cell keeps what is stored (it never erases)."""
    plan = TrainingPlan(rows=len(table.rows))
    problems = plan.problems
    column = {name: i for i, name in enumerate(table.columns)}
    i_employee, i_course, i_date = column["employee_number"], column["course"], column["completed_on"]
    colleagues, courses, existing = lookups.colleagues, lookups.courses, lookups.existing
    course_list = ", ".join(sorted(courses)[:12]) + (" …" if len(courses) > 12 else "")
    dates: dict = {}
    seen: dict[Key, int] = {}
    changing_rows: list[Outcome] = []
    unchanged_rows: list[Outcome] = []
    step = report_every(plan.rows)

    parsed: dict[str, dt.date] = {}  # cell text -> date, so a repeated date is parsed once
    present = [(name, column[name], MAX_LENGTH[name]) for name in DETAILS if name in column]
    empty = [""] * len(DETAILS)
    slots = {name: i for i, name in enumerate(DETAILS)}

    for done, (number, cells) in enumerate(table.rows, 1):
        if progress is not None and done % step == 0:
            progress("Checking rows", done, plan.rows)
        found = len(problems)

        raw = cells[i_employee]
        employee = raw.strip() if type(raw) is str else text(raw)
        colleague_id = colleagues.get(employee)
        if colleague_id is None:
            if not employee:
                problems.append(Problem(number, "employee_number", "empty: every row needs one"))
            else:
                problems.append(
                    Problem(
                        number, "employee_number", f"no colleague {quoted(employee)}: import colleagues first"
                    )
                )

        raw = cells[i_course]
        code = (raw.strip() if type(raw) is str else text(raw)).upper()
        course_id = courses.get(code)
        if course_id is None:
            if not code:
                problems.append(Problem(number, "course", "empty: every row needs a course code"))
            else:
                problems.append(
                    Problem(number, "course", f"no course {quoted(code)}; the courses are {course_list}")
                )

        raw = cells[i_date]
        completed_on = parsed.get(raw) if type(raw) is str else None
        if completed_on is None:
            if text(raw) == "":
                problems.append(Problem(number, "completed_on", "empty: every row needs the date completed"))
            else:
                try:
                    completed_on = parse_date(raw, dates)
                except CellProblem as e:
                    problems.append(Problem(number, "completed_on", str(e)))
                else:
                    if type(raw) is str:
                        parsed[raw] = completed_on
        if completed_on is not None and completed_on > today:
            problems.append(Problem(number, "completed_on", f"{completed_on:%d/%m/%Y} is in the future"))

        given = empty.copy()
        for name, index, max_length in present:
            value = cells[index]
            if type(value) is str:
                value = value.strip()
                if not value:
                    continue
                if value[0] != "=" and len(value) <= max_length and value.isprintable():
                    given[slots[name]] = value
                    continue
            try:
                given[slots[name]] = checked_text(value, max_length=max_length)
            except CellProblem as e:
                problems.append(Problem(number, name, str(e)))

        if len(problems) > found:
            continue
        key = (colleague_id, course_id, completed_on)
        first = seen.get(key)
        if first is not None:
            problems.append(
                Problem(
                    number,
                    "employee_number",
                    f"repeats row {first} (the same colleague, course and completion date)",
                )
            )
            continue
        seen[key] = number

        stored = existing.get(key)
        before: dict[str, str] = {}
        if stored is None:
            plan.creates.append((colleague_id, course_id, completed_on, *given))
            action, final = CREATED, given
        else:
            final = [new or old for new, old in zip(given, stored[1:], strict=True)]
            if final == list(stored[1:]):
                plan.unchanged += 1
                action = UNCHANGED
            else:
                plan.updates.append((stored[0], *final))
                action = UPDATED
                before = {
                    name: old for name, new, old in zip(DETAILS, final, stored[1:], strict=True) if new != old
                }
        shelf = unchanged_rows if action == UNCHANGED else changing_rows
        if len(shelf) < preview_rows:
            shelf.append(Outcome(number, action, [employee, code, completed_on.isoformat(), *final], before))

    if progress is not None:
        progress("Checking rows", plan.rows, plan.rows)
    plan.outcomes = preview(changing_rows, unchanged_rows, preview_rows)
    return plan


# The file's columns in the order of docs/interfaces.md §3.2: also the preview's and the export's.
COLUMN_ORDER = ("employee_number", "course", "completed_on", *DETAILS)
