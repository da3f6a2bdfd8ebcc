"""The training matrix: colleagues down, requirements across, one page of colleagues at a time.

Colleagues are paged in SQL and the engine works out only the page shown, so
the matrix answers for any date at the same cost for a team or for everyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from compliance import engine
from compliance.enums import Status
from compliance.queries import active_on
from compliance.selectors import catalogue_load, compliance_on
from people.models import Colleague, Role

PER_PAGE = 50


@dataclass(frozen=True)
class Cell:
    status: str | None  # None: the requirement does not apply to the colleague's role
    label: str
    note: str  # "due", "until", "held since", ""
    day: dt.date | None


@dataclass(frozen=True)
class MatrixRow:
    employee_number: str
    name: str
    team: str
    role: str | None
    role_name: str
    cells: list[Cell]
    colleague_id: int = 0


@dataclass(frozen=True)
class Matrix:
    day: dt.date
    requirements: list[tuple[str, str]]
    page: Page
    rows: list[MatrixRow]


NOT_REQUIRED = Cell(None, "Not required", "", None)


def cell_for(status: engine.RequirementStatus) -> Cell:
    """The status and the one date a reader needs beside it."""
    label = Status(status.status).label
    if status.status == Status.COMPLIANT:
        if status.valid_until is not None:
            return Cell(status.status, label, "until", status.valid_until)
        held = status.satisfied_by.completed_on if status.satisfied_by else None
        return Cell(status.status, label, "held since", held)
    if status.status == Status.EXEMPT:
        ends = status.waiver.ends_on if status.waiver else None
        return Cell(status.status, label, "until" if ends else "indefinitely", ends)
    return Cell(status.status, label, "due", status.due_date)


def training_matrix(colleagues: QuerySet, day: dt.date, page_number) -> Matrix:
    """17 queries: 2 to page the colleagues, 13 for the engine on that page, 1 for their names, 1 for roles'."""
    ordered = colleagues.filter(active_on(day)).order_by(
        "team__name", "last_name", "first_name", "employee_number"
    )
    page = Paginator(ordered.values_list("pk", flat=True), PER_PAGE).get_page(page_number)
    ids = list(page.object_list)
    catalogue = catalogue_load()
    requirements = [(r.code, r.name) for r in catalogue.requirements if r.in_force_on(day)]
    found = {
        c.facts.colleague_id: c for c in compliance_on(Colleague.objects.filter(pk__in=ids), day, catalogue)
    }
    names = {
        pk: f"{last}, {first}"
        for pk, first, last in Colleague.objects.filter(pk__in=ids).values_list(
            "pk", "first_name", "last_name"
        )
    }
    role_names = dict(Role.objects.values_list("code", "name"))
    rows = []
    for pk in ids:
        c = found.get(pk)
        if c is None:
            continue
        by_code = {s.code: s for s in c.statuses}
        rows.append(
            MatrixRow(
                employee_number=c.facts.employee_number,
                name=names[pk],
                team=c.facts.team,
                role=c.role,
                role_name=role_names.get(c.role, "") if c.role else "",
                cells=[
                    cell_for(by_code[code]) if code in by_code else NOT_REQUIRED for code, _ in requirements
                ],
                colleague_id=pk,
            )
        )
    return Matrix(day=day, requirements=requirements, page=page, rows=rows)
