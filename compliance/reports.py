"""The compliance report: one row per active colleague and requirement on a date."""

import datetime as dt
from dataclasses import dataclass

from people.models import Colleague

from .selectors import compliance_on

REPORT_FIELDS = (
    "employee_number",
    "name",
    "team",
    "role",
    "requirement",
    "status",
    "due_date",
    "valid_until",
)


@dataclass(frozen=True)
class ReportRow:
    employee_number: str
    name: str
    team: str
    role: str
    requirement: str
    status: str
    due_date: dt.date | None
    valid_until: dt.date | None

    def as_json(self) -> dict:
        return {
            f: (v.isoformat() if isinstance(v, dt.date) else v)
            for f in REPORT_FIELDS
            for v in [getattr(self, f)]
        }


def compliance_report_rows(
    *, day: dt.date, team: str | None = None, status: str | None = None, colleagues=None
) -> list[ReportRow]:
    colleagues = colleagues if colleagues is not None else Colleague.objects.all()
    if team:
        colleagues = colleagues.filter(team__name__iexact=team)
    rows = []
    for c in compliance_on(colleagues, day):
        for s in c.statuses:
            if status and s.status != status:
                continue
            rows.append(
                ReportRow(
                    employee_number=c.facts.employee_number,
                    name=c.facts.name,
                    team=c.facts.team,
                    role=c.role or "",
                    requirement=s.code,
                    status=str(s.status),
                    due_date=s.due_date,
                    valid_until=s.valid_until,
                )
            )
    return rows
