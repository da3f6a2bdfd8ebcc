"""What the checks need from the database, loaded once per import in a fixed number of queries."""

from people.models import Colleague, Role, RoleAssignment, Team
from training.models import Course, TrainingRecord

from .cells import text
from .checks.colleagues import ColleagueLookups, StoredColleague
from .checks.training import TrainingLookups
from .reading import Table

# Below this many colleagues in a file, load only theirs; above it, everything in
# one scan is cheaper than a long IN list (and SQLite caps the number of parameters).
SMALL_FILE = 1000


def training_lookups_load(table: Table) -> TrainingLookups:
    i_number = table.columns.index("employee_number")
    numbers = {text(cells[i_number]) for _, cells in table.rows}
    numbers.discard("")
    colleagues_qs = Colleague.objects.all()
    records_qs = TrainingRecord.objects.all()
    if len(numbers) <= SMALL_FILE:
        colleagues_qs = colleagues_qs.filter(employee_number__in=numbers)
        records_qs = records_qs.filter(colleague__employee_number__in=numbers)
    colleagues = dict(colleagues_qs.values_list("employee_number", "id").order_by())
    courses = {code.upper(): pk for code, pk in Course.objects.values_list("code", "id")}
    existing = {
        (colleague_id, course_id, completed_on): (pk, provider, certificate, notes)
        for colleague_id, course_id, completed_on, pk, provider, certificate, notes in records_qs.values_list(
            "colleague_id", "course_id", "completed_on", "id", "provider", "certificate", "notes"
        ).order_by()
    }
    return TrainingLookups(colleagues=colleagues, courses=courses, existing=existing)


def colleague_lookups_load() -> ColleagueLookups:
    """Every colleague: a manager may be anyone, and a loop may run through people not in the file."""
    latest: dict[int, tuple[int, int, object, object]] = {}
    for colleague_id, pk, role_id, started_on in (
        RoleAssignment.objects.order_by("colleague_id", "started_on")
        .values_list("colleague_id", "id", "role_id", "started_on")
        .iterator(chunk_size=5000)
    ):
        before = latest.get(colleague_id)
        latest[colleague_id] = (pk, role_id, started_on, before[2] if before else None)
    colleagues: dict[str, StoredColleague] = {}
    numbers: dict[int, str] = {}
    for pk, number, first, last, email, team_id, manager_id, start, leaving in Colleague.objects.values_list(
        "id",
        "employee_number",
        "first_name",
        "last_name",
        "email",
        "team_id",
        "line_manager_id",
        "start_date",
        "leaving_date",
    ).order_by():
        assignment = latest.get(pk, (None, None, None, None))
        colleagues[number] = StoredColleague(
            pk, first, last, email, team_id, manager_id, start, leaving, *assignment
        )
        numbers[pk] = number
    teams = {name.lower(): (pk, name) for pk, name in Team.objects.values_list("id", "name")}
    role_rows = list(Role.objects.values_list("id", "code", "name"))
    roles = {name.lower(): (pk, code) for pk, code, name in role_rows}
    roles |= {code.lower(): (pk, code) for pk, code, _ in role_rows}  # a code wins over a same-named role
    return ColleagueLookups(
        colleagues=colleagues,
        numbers=numbers,
        teams=teams,
        roles=roles,
        role_names=dict(roles.values()),
        team_names=dict(teams.values()),
    )
