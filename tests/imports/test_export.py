"""Export through the same resources: formula injection escaped (OWASP), and what is exported imports back."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from import_export.formats import base_formats

from core.spreadsheets import formula_escaped
from imports.resources import ColleagueResource, SourceFile, TrainingRecordResource
from tests.factories import ColleagueFactory, TrainingRecordFactory, UserFactory
from training.models import Course

pytestmark = pytest.mark.django_db

DANGEROUS = [
    "=cmd|' /C calc'!A0",
    "+cmd|' /C notepad'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1",
]


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_apostrophe(value):
    assert formula_escaped(value) == "'" + value


@pytest.mark.parametrize("value", ["Stop Hate UK", "2024-04-30", "", None, 3, "a=b", "O'Brien"])
def test_other_cells_are_exported_as_they_are(value):
    assert formula_escaped(value) == value


@pytest.fixture
def dangerous(org):
    """Records keyed by hand (the import itself refuses a leading =) holding formula-like text."""
    course = Course.objects.get(code="SHUK-HATE")
    for i, value in enumerate(DANGEROUS):
        TrainingRecordFactory(
            colleague=org["E2"],
            course=course,
            completed_on=dt.date(2024, 1, 1 + i),
            provider=value,
            notes=value,
        )
    ColleagueFactory(
        employee_number="E9",
        first_name='=HYPERLINK("http://x")',
        last_name="@Evil",
        team=org["team"],
        role="NHO",
    )


def test_training_export_escapes_formulas_in_csv_and_xlsx(dangerous):
    dataset = TrainingRecordResource().export()
    rows = list(csv.reader(io.StringIO(base_formats.CSV().export_data(dataset))))
    assert rows[0] == ["employee_number", "course", "completed_on", "provider", "certificate", "notes"]
    assert sorted(r[3] for r in rows[1:]) == sorted("'" + v for v in DANGEROUS)
    book = openpyxl.load_workbook(
        io.BytesIO(base_formats.XLSX().export_data(TrainingRecordResource().export()))
    )
    cells = [c for row in book.active.iter_rows(min_row=2) for c in row]
    assert {c.data_type for c in cells if c.value} <= {"s", "n", "d"}  # no formula cell ("f")
    # XML keeps a carriage return as a line feed.
    assert sorted(c.value for c in cells if c.column == 4) == sorted(
        "'" + v.replace("\r", "\n") for v in DANGEROUS
    )


def test_colleague_export_escapes_formulas(dangerous):
    dataset = ColleagueResource().export()
    row = dict(zip(dataset.headers, next(r for r in dataset if r[0] == "E9"), strict=True))
    assert (row["first_name"], row["last_name"]) == ('\'=HYPERLINK("http://x")', "'@Evil")


def test_what_is_exported_imports_back_unchanged(org):
    TrainingRecordFactory(colleague=org["E3"], completed_on=dt.date(2025, 6, 1), certificate="C-1")
    colleagues = base_formats.CSV().export_data(ColleagueResource().export()).encode()
    training = base_formats.CSV().export_data(TrainingRecordResource().export()).encode()
    assert csv.reader(io.StringIO(colleagues.decode())).__next__() == [
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
    back = ColleagueResource().import_data(SourceFile(colleagues, "c.csv"), file_name="c.csv").batch
    assert back.counts_line == "created 0, updated 0, unchanged 3"
    back = TrainingRecordResource().import_data(SourceFile(training, "t.csv"), file_name="t.csv").batch
    assert back.counts_line == "created 0, updated 0, unchanged 1"


def test_the_admin_export_is_scoped_and_escaped(client, dangerous):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    url = reverse("admin:training_trainingrecord_export")
    response = client.post(
        url,
        {
            "format": "0",
            "resource": "0",
            **{
                f"trainingrecordresource_{f}": "on"
                for f in ("employee_number", "course", "completed_on", "provider", "certificate", "notes")
            },
        },
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r[3] for r in rows[1:]) == sorted("'" + v for v in DANGEROUS)
