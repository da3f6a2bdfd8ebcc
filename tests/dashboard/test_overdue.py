"""The overdue and due-soon list: filters, sorting, pages, and the CSV and XLSX downloads."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from core.spreadsheets import formula_escaped
from dashboard.services import summary_rebuild
from people.models import Role
from tests.factories import ColleagueFactory
from tests.organisation import TODAY, client_for

pytestmark = pytest.mark.django_db


def rows_of(response):
    """(employee number, requirement, status) of each row of the list page, in order."""
    table = response.context["table"]
    return [
        (r.record["employee_number"], r.record["requirement_code"], r.record["status"])
        for r in table.page.object_list
    ]


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture(params=["summary", "live"])
def source(request, org):
    """Each test runs on the stored summary and on the engine live: same rows either way."""
    if request.param == "summary":
        summary_rebuild(day=TODAY)
    return request.param


@pytest.fixture
def hr(client, org):
    return client_for(client, org.users["hr"])


def test_by_default_lists_overdue_and_due_soon_earliest_due_first(hr, source):
    response = hr.get("/overdue/")
    assert response.status_code == 200
    assert rows_of(response) == [
        ("S2", "BTEC-L2", "overdue"),
        ("S2", "HATE-REFRESHER", "overdue"),
        ("N1", "HATE-REFRESHER", "overdue"),
        ("N3", "HATE-REFRESHER", "due_soon"),
    ]
    html = response.content.decode()
    assert '<a href="/colleagues/N1/">Amira Ahmed</a>' in html
    assert "92 days overdue" in html  # N1: due 1 Mar 2026, today 1 Jun 2026
    assert "in 44 days" in html


FILTER_CASES = (
    ({"status": "pending"}, [("N2", "BTEC-L2", "pending"), ("N2", "HATE-REFRESHER", "pending")]),
    ({"status": "due_soon"}, [("N3", "HATE-REFRESHER", "due_soon")]),
    ({"role": "CSO"}, [("N3", "HATE-REFRESHER", "due_soon")]),
    ({"requirement": "BTEC-L2"}, [("S2", "BTEC-L2", "overdue")]),
    (
        {"due_before": "2026-03-31"},
        [
            ("S2", "BTEC-L2", "overdue"),
            ("S2", "HATE-REFRESHER", "overdue"),
            ("N1", "HATE-REFRESHER", "overdue"),
        ],
    ),
    (
        {"due_before": "01/03/2026", "requirement": "HATE-REFRESHER", "status": "any"},
        [("S2", "HATE-REFRESHER", "overdue"), ("N1", "HATE-REFRESHER", "overdue")],
    ),
)


def test_filters(hr, source):
    answers, expected = [], []
    for params, rows in FILTER_CASES:
        params = dict(params)
        if "role" in params:
            params["role"] = Role.objects.get(code=params["role"]).pk
        # The requirement is chosen by its code (figures on every page link with it).
        answers.append(rows_of(hr.get("/overdue/", params)))
        expected.append(rows)
    assert answers == expected


def test_team_filter(hr, org, source):
    assert rows_of(hr.get("/overdue/", {"team": org.north.pk})) == [
        ("N1", "HATE-REFRESHER", "overdue"),
        ("N3", "HATE-REFRESHER", "due_soon"),
    ]


def test_sorting(hr, source):
    orders = {
        sort: [r[0] for r in rows_of(hr.get("/overdue/", {"sort": sort}))]
        for sort in ("-due_date", "name", "-name")
    }
    assert orders == {
        "-due_date": ["N3", "N1", "S2", "S2"],
        "name": ["N1", "N3", "S2", "S2"],  # Ahmed, Carter, Fraser
        "-name": ["S2", "S2", "N3", "N1"],
    }


def test_a_past_date_shows_the_list_as_it_was(hr, source):
    # 31 Dec 2025: N1's refresher (due 1 Mar 2026) was due soon; N4 had not left and was overdue.
    response = hr.get("/overdue/", {"on": "2025-12-31"})
    assert rows_of(response) == [
        ("N4", "BTEC-L2", "overdue"),
        ("N4", "HATE-REFRESHER", "overdue"),
        ("S2", "BTEC-L2", "overdue"),
        ("S2", "HATE-REFRESHER", "overdue"),
        ("N1", "HATE-REFRESHER", "due_soon"),
    ]
    assert "a past date" in response.content.decode()
    assert '<a href="/colleagues/N1/?on=2025-12-31">' in response.content.decode()


def test_pages_of_25(hr, org):
    for i in range(30):
        ColleagueFactory(
            employee_number=f"X{i:02d}", team=org.south, role="NHO", start_date=TODAY.replace(year=2020)
        )
    if source == "summary":
        summary_rebuild(day=TODAY)
    first = hr.get("/overdue/")
    last = hr.get("/overdue/", {"page": 3})
    assert len(rows_of(first)) == 25
    assert len(rows_of(last)) == 64 - 50
    assert "Page 1 of 3 (64 rows)" in first.content.decode()
    assert rows_of(last)[-1] == ("N3", "HATE-REFRESHER", "due_soon")


BAD = (
    ({"on": "31/02/2026"}, "on"),
    ({"on": "yesterday"}, "on"),
    ({"due_before": "2026-13-01"}, "due_before"),
    ({"status": "late"}, "status"),
    ({"role": "999999"}, "role"),
    ({"team": "abc"}, "team"),
)


def test_a_bad_parameter_is_a_400_naming_it(hr):
    for params, name in BAD:
        for url in ("/overdue/", "/overdue/export.csv", "/overdue/export.xlsx"):
            response = hr.get(url, params)
            assert (url, params, response.status_code) == (url, params, 400)
            assert f"<strong>{name}</strong>" in response.content.decode()


def test_csv_export_has_every_row_with_the_filters_and_order(hr, org, source):
    for i in range(30):
        ColleagueFactory(
            employee_number=f"X{i:02d}", team=org.south, role="NHO", start_date=TODAY.replace(year=2020)
        )
    if source == "summary":
        summary_rebuild(day=TODAY)
    response = hr.get("/overdue/export.csv", {"team": org.north.pk, "status": "any", "sort": "name"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    # Named for what it holds: every status, not only the overdue and due soon.
    assert response["Content-Disposition"] == 'attachment; filename="every-requirement-2026-06-01.csv"'
    assert csv_rows(response) == [
        ["employee_number", "name", "team", "role", "requirement", "status", "due_date", "valid_until"],
        ["N1", "Amira Ahmed", "North", "NHO", "BTEC-L2", "compliant", "", ""],
        ["N1", "Amira Ahmed", "North", "NHO", "HATE-REFRESHER", "overdue", "2026-03-01", ""],
        ["N2", "Ben Bennett", "North", "NHO", "BTEC-L2", "pending", "2026-09-01", ""],
        ["N2", "Ben Bennett", "North", "NHO", "HATE-REFRESHER", "pending", "2026-09-01", ""],
        ["N3", "Chloe Carter", "North", "CSO", "BTEC-L3", "compliant", "", ""],
        ["N3", "Chloe Carter", "North", "CSO", "HATE-REFRESHER", "due_soon", "2026-07-15", "2026-07-15"],
    ]
    everyone = csv_rows(hr.get("/overdue/export.csv"))
    assert len(everyone) == 1 + 4 + 60  # header, the four of the list, two overdue rows per new officer


def test_xlsx_export_has_the_csvs_rows_in_words(hr, org, source):
    response = hr.get("/overdue/export.xlsx", {"status": "any", "team": org.south.pk})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert sheet.title == "Every requirement"
    assert values[0] == [
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
    ]
    nho = "Neighbourhood Housing Officer"
    btec = "BTEC level 2 in Community Safety Casework (or equivalent)"
    refresher = "Hate crime refresher every two years"
    assert values[1:] == [
        ["S1", "Ella Evans", "South", nho, "NHO", btec, "BTEC-L2", "Compliant", None, None],
        ["S2", "Femi Fraser", "South", nho, "NHO", btec, "BTEC-L2", "Overdue", dt.datetime(2025, 1, 1), None],
        [
            "S2",
            "Femi Fraser",
            "South",
            nho,
            "NHO",
            refresher,
            "HATE-REFRESHER",
            "Overdue",
            dt.datetime(2025, 1, 1),
            None,
        ],
        [
            "S1",
            "Ella Evans",
            "South",
            nho,
            "NHO",
            refresher,
            "HATE-REFRESHER",
            "Compliant",
            dt.datetime(2027, 5, 1),
            dt.datetime(2027, 5, 1),
        ],
    ]


def test_xlsx_export_is_laid_out_for_people(hr, org):
    sheet = load_workbook(io.BytesIO(hr.get("/overdue/export.xlsx", {"status": "any"}).content)).active
    rows = sheet.max_row
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:J{rows}"
    assert [c.font.b for c in sheet[1]] == [True] * 10
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABFHI"}
    # Each as wide as its longest value (+2) or heading (+4, the filter button), at most 60.
    assert widths == {"A": 19, "B": 14, "F": 60, "H": 11, "I": 13}
    statuses = {c.value: (c.font.color.rgb, c.fill.fgColor.rgb) for c in sheet["H"][1:]}
    assert statuses == {
        "Overdue": ("00B3261E", "00FDE7E6"),
        "Due soon": ("008A5A00", "00FFF3D6"),
        "Pending": ("003C5A99", "00E6ECF8"),
        "Compliant": ("001E6B34", "00E3F2E7"),
    }
    assert {c.number_format for c in sheet["I"][1:] if c.value} == {"d mmm yyyy"}


FORMULAS = ('=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0")


def test_exports_never_carry_a_formula(hr, org):
    for i, formula in enumerate(FORMULAS):
        ColleagueFactory(
            employee_number=f"Z{i}",
            first_name=formula,
            last_name="Smith",
            team=org.south,
            role="NHO",
            start_date=TODAY.replace(year=2024),
        )
    summary_rebuild(day=TODAY)
    rows = csv_rows(hr.get("/overdue/export.csv", {"team": org.south.pk}))
    names = sorted({(r[0], r[1]) for r in rows if r[0].startswith("Z")})
    assert names == [(f"Z{i}", "'" + f + " Smith") for i, f in enumerate(FORMULAS)]
    sheet = load_workbook(io.BytesIO(hr.get("/overdue/export.xlsx", {"team": org.south.pk}).content)).active
    cells = sorted({(r[0].value, r[1].value, r[1].data_type) for r in sheet.iter_rows(min_row=2)})
    assert [c for c in cells if c[0].startswith("Z")] == [
        (f"Z{i}", "'" + f + " Smith", "s") for i, f in enumerate(FORMULAS)
    ]


def test_cell_text_leaves_ordinary_values_alone():
    assert formula_escaped("Amira") == "Amira"
    assert formula_escaped("O'Neil") == "O'Neil"
    assert formula_escaped(42) == 42
    assert formula_escaped("=1+1") == "'=1+1"


def test_each_download_is_in_the_export_log(hr, org):
    from privacy.models import DataExport

    summary_rebuild(day=TODAY)
    b"".join(hr.get("/overdue/export.csv", {"team": org.south.pk}).streaming_content)
    hr.get("/overdue/export.xlsx", {"status": "any"})
    assert [(e.user.username, e.kind, e.row_count) for e in DataExport.objects.order_by("pk")] == [
        ("hr", "overdue-list.csv", 2),
        ("hr", "overdue-list.xlsx", 10),
    ]
