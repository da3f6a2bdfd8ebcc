"""Small files made in the tests, and a snapshot of everything an import could write."""

import csv
import datetime as dt
import io

import openpyxl
from django.core.management import CommandError, call_command

from people.models import Colleague, RoleAssignment, Team
from training.models import TrainingRecord

TRAINING_HEADER = ["employee_number", "course", "completed_on", "provider", "certificate", "notes"]
COLLEAGUE_HEADER = [
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
]


def csv_bytes(header, rows, *, encoding="utf-8", bom=False, delimiter=",") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode(encoding) + out.getvalue().encode(encoding)


def xlsx_bytes(header, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def written() -> dict:
    """Every table an import writes, with its history: equal before and after means nothing was written."""
    models = (Colleague, Team, RoleAssignment, TrainingRecord)
    counts = {m.__name__: m.objects.count() for m in models}
    counts |= {f"{m.__name__} history": m.history.model.objects.count() for m in models}
    counts["records"] = sorted(
        TrainingRecord.objects.values_list(
            "colleague__employee_number", "course__code", "completed_on", "provider"
        )
    )
    return counts


class Run:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    @property
    def lines(self) -> list[str]:
        return [line for line in self.out.splitlines() if line.strip()]

    @property
    def last(self) -> str:
        return self.lines[-1] if self.lines else ""


def run_import(command: str, tmp_path, content: bytes, *args, name: str = "file.csv") -> Run:
    """The command as HR runs it, on a file: exit status, stdout and stderr."""
    path = tmp_path / name
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, str(path), *args, stdout=out, stderr=err)
    except CommandError as e:
        err.write(str(e))
        return Run(e.returncode, out.getvalue(), err.getvalue())
    return Run(0, out.getvalue(), err.getvalue())


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
