"""Rows of the overdue and due-soon list: one per colleague and requirement.

On the summary's date the rows are a queryset (filtered, sorted and paged in
SQL, however large the organisation); on any other date they are worked out
live by the engine for the colleagues in scope and filtered in Python.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from compliance.models import Requirement
from compliance.reports import REPORT_FIELDS
from people.models import Role

from ..access import Scope
from ..models import StatusSummary, SummaryRun
from .evaluate import evaluate
from .summary import latest_run

ROW_FIELDS = (
    "colleague_id",
    "employee_number",
    "first_name",
    "last_name",
    "team_name",
    "role_code",
    "requirement_code",
    "status",
    "due_date",
    "valid_until",
)
# The columns of the compliance report (docs/interfaces.md §2), so an export reads like the report.
EXPORT_HEADER = REPORT_FIELDS
# The workbook is for people: headings and statuses in words, each code beside its name.
XLSX_HEADER = (
    "Employee number",
    "Name",
    "Team",
    "Role",
    "Role code",
    "Requirement",
    "Requirement code",
    "Status",
    "Due date",
    "Valid until",
)


def summary_rows(filtered: QuerySet) -> QuerySet:
    """A filtered StatusSummary queryset as list rows: one table, no joins, one query a page."""
    return filtered.values(*ROW_FIELDS)


def summary_base(colleagues: QuerySet | None) -> QuerySet:
    rows = StatusSummary.objects.all()
    return rows if colleagues is None else rows.filter(colleague__in=colleagues)


def live_rows(colleagues: QuerySet, day: dt.date) -> list[dict]:
    """Every status of every active colleague in the queryset on `day` (14 queries)."""
    rows = []
    # The engine's facts carry the full name; the list sorts by surname.
    names = {pk: (first, last) for pk, first, last in colleagues.values_list("pk", "first_name", "last_name")}
    for c in evaluate(colleagues, day, forecast=False).colleagues:
        first, last = names[c.facts.colleague_id]
        for s in c.statuses:
            rows.append(
                {
                    "colleague_id": c.facts.colleague_id,
                    "employee_number": c.facts.employee_number,
                    "first_name": first,
                    "last_name": last,
                    "team_name": c.facts.team,
                    "role_code": c.role,
                    "requirement_code": s.code,
                    "status": str(s.status),
                    "due_date": s.due_date,
                    "valid_until": s.valid_until,
                }
            )
    return rows


def export_values(row: dict) -> tuple:
    return (
        row["employee_number"],
        f"{row['first_name']} {row['last_name']}".strip(),
        row["team_name"],
        row["role_code"],
        row["requirement_code"],
        row["status"],
        row["due_date"],
        row["valid_until"],
    )


def overdue_rows(
    scope: Scope, day: dt.date, filters, *, run: SummaryRun | None = None
) -> tuple[QuerySet | list[dict], SummaryRun | None]:
    """The list's rows for `day`, filtered: from the summary when it answers for that day, else live.

    Returns the run the rows come from (None: worked out now).
    """
    run = run or latest_run()
    if run is not None and run.computed_for == day:
        return summary_rows(filters.qs), run
    colleagues = scope.colleagues
    team = filters.form.cleaned_data.get("team")
    if team is not None:
        colleagues = colleagues.filter(team=team)
    return [row for row in live_rows(colleagues, day) if filters.matches(row)], None


def code_names() -> dict[str, dict[str, str]]:
    """The name of each role and requirement code (two queries), for a list that stores the codes."""
    return {
        "role": dict(Role.objects.values_list("code", "name")),
        "requirement": dict(Requirement.objects.values_list("code", "name")),
    }


def xlsx_values(row: dict, names: dict[str, dict[str, str]]) -> tuple:
    """A row of the workbook: XLSX_HEADER's columns (the status stays a code; the writer words it)."""
    role, requirement = row["role_code"], row["requirement_code"]
    return (
        row["employee_number"],
        f"{row['first_name']} {row['last_name']}".strip(),
        row["team_name"],
        names["role"].get(role, role),
        role,
        names["requirement"].get(requirement, requirement),
        requirement,
        row["status"],
        row["due_date"],
        row["valid_until"],
    )
