"""From file bytes to rows: encodings, workbooks, headers (docs/interfaces.md §3). No database."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from imports.checks.training import COLUMNS
from imports.reading import FileRejected, estimate_rows, read_table
from tests.imports.helpers import TRAINING_HEADER, csv_bytes, xlsx_bytes

# An accent, a dash and curly quotes: what Windows-1252 encodes differently from UTF-8.
ROW = ["E2", "SHUK-HATE", "06/02/2026", "Stop Hate UK \u2014 Leeds", "", "caf\u00e9 \u2019quoted\u2019"]


def read(content, **kwargs):
    return read_table(content, columns=COLUMNS, max_rows=kwargs.pop("max_rows", 100), **kwargs)


def problems(content, **kwargs) -> list[str]:
    with pytest.raises(FileRejected) as e:
        read(content, **kwargs)
    return [str(p) for p in e.value.problems]


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (csv_bytes(TRAINING_HEADER, [ROW]), "utf-8"),
        (csv_bytes(TRAINING_HEADER, [ROW], bom=True), "utf-8"),
        (csv_bytes(TRAINING_HEADER, [ROW], encoding="cp1252"), "windows-1252"),
        (csv_bytes(TRAINING_HEADER, [ROW], encoding="utf-16"), "utf-16"),
        (csv_bytes(TRAINING_HEADER, [ROW], delimiter=";"), "utf-8"),
        (csv_bytes(TRAINING_HEADER, [ROW]).replace(b"\r\n", b"\n"), "utf-8"),
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1252", "utf-16 unicode text", "semicolons", "unix line ends"],
)
def test_csv_in_each_encoding_reads_the_same_cells(content, encoding):
    table = read(content)
    assert (table.columns, table.rows, table.encoding) == (TRAINING_HEADER, [(2, tuple(ROW))], encoding)


def test_an_encoding_can_be_chosen_rather_than_detected():
    content = csv_bytes(TRAINING_HEADER, [ROW], encoding="cp1252")
    assert read(content, encoding="windows-1252").rows == [(2, tuple(ROW))]
    assert problems(content, encoding="utf-8") == [
        "row 1: file: not readable as UTF-8 text: save it as “CSV UTF-8” or .xlsx"
    ]


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused():
    content = csv_bytes(TRAINING_HEADER, []) + b"E2,SHUK-HATE,2026-01-01,\x81\x8d,,\n"
    assert problems(content) == [
        "row 1: file: not readable as UTF-8 or Windows-1252 text: save it as “CSV UTF-8” or .xlsx"
    ]


def test_headers_match_whatever_the_case_spacing_and_order():
    header = ["  Completed_On", "EMPLOYEE NUMBER ", "Course", "notes"]
    table = read(csv_bytes(header, [["2026-01-02", "E2", "SHUK-HATE", "n"]], bom=True))
    assert table.columns == ["employee_number", "course", "completed_on", "notes"]
    assert table.rows == [(2, ("E2", "SHUK-HATE", "2026-01-02", "n"))]


def test_header_problems_are_row_1_and_name_the_column():
    header = ["employee_number", "Course Code", "completed_on", "provider", "provider"]
    assert problems(csv_bytes(header, [])) == [
        "row 1: Course Code: unknown column; the columns are employee_number, course, completed_on, provider, "
        "certificate, notes",
        "row 1: provider: appears twice (columns 4 and 5)",
        "row 1: course: missing column",
    ]


def test_an_empty_file_or_heading_row_is_refused():
    assert problems(b"") == ["row 1: file: the file is empty"]
    assert problems(b",,,\r\nE2,SHUK-HATE,2026-01-01\r\n") == [
        "row 1: file: the first row must hold the column headings; it is empty"
    ]


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    content = csv_bytes(TRAINING_HEADER, [ROW, ["", " ", "", "", "", ""], ROW, [], ROW])
    assert [number for number, _ in read(content).rows] == [2, 4, 6]


def test_a_cell_spanning_lines_is_one_spreadsheet_row():
    content = csv_bytes(TRAINING_HEADER, [[*ROW[:5], "line one\nline two"], ROW])
    assert [(n, cells[5]) for n, cells in read(content).rows] == [(2, "line one\nline two"), (3, ROW[5])]


def test_short_rows_are_padded_and_values_beyond_the_headings_are_refused():
    content = (
        b"employee_number,course,completed_on\r\nE2,SHUK-HATE\r\nE2,SHUK-HATE,2026-01-01,Smith, John\r\n"
    )
    assert problems(content) == [
        "row 3: column 4: a value beyond the last heading (a comma inside a cell without quotes?)"
    ]
    assert read(b"employee_number,course,completed_on\r\nE2,SHUK-HATE\r\n").rows == [
        (2, ("E2", "SHUK-HATE", None))
    ]


def test_a_column_with_values_but_no_heading_is_refused_an_empty_one_ignored():
    assert read(b"employee_number,course,completed_on,\r\nE2,X,2026-01-01,\r\n").rows == [
        (2, ("E2", "X", "2026-01-01"))
    ]
    assert problems(b"employee_number,,course,completed_on\r\nE2,oops,X,2026-01-01\r\n") == [
        "row 1: column 2: has values but no heading"
    ]


def test_too_many_rows_are_refused_before_reading_on():
    content = csv_bytes(TRAINING_HEADER, [ROW] * 4)
    assert problems(content, max_rows=3) == [
        "row 5: file: more than 3 rows: split the file; one import takes 3"
    ]


def test_a_cell_over_the_csv_field_limit_is_a_problem_not_a_traceback():
    content = csv_bytes(TRAINING_HEADER, [ROW, [*ROW[:5], "x" * 200_000]])
    assert problems(content) == ["row 3: file: cannot be read as CSV: field larger than field limit (131072)"]


def test_xlsx_by_openpyxl_with_date_cells_and_text_dates():
    rows = [
        ["E2", "BTEC2-CSC", dt.date(2021, 3, 1), "Pearson", None, None],
        ["E2", "HC-REFRESHER", "30/04/2024", "In-house", "", "text date"],
        [10045, "SHUK-HATE", dt.datetime(2025, 2, 6), "Stop Hate UK", 123456, None],
    ]
    table = read(xlsx_bytes(TRAINING_HEADER, rows))
    assert table.encoding == "xlsx"
    assert table.rows == [
        (2, ("E2", "BTEC2-CSC", dt.datetime(2021, 3, 1), "Pearson", None, None)),
        (3, ("E2", "HC-REFRESHER", "30/04/2024", "In-house", None, "text date")),
        (4, (10045, "SHUK-HATE", dt.datetime(2025, 2, 6), "Stop Hate UK", 123456, None)),
    ]


def test_xlsx_by_libreoffice_reads_date_cells_text_and_numbers(libreoffice_xlsx):
    table = read(libreoffice_xlsx)
    assert table.rows == [
        (2, ("E2", "BTEC2-CSC", dt.datetime(2021, 3, 1), "Pearson BTEC", "PRS-1", None)),
        (3, ("E2", "HC-REFRESHER", "30/04/2024", "In-house", None, "a UK date typed as text")),
        (4, ("E3", "SHUK-HATE", dt.datetime(2025, 2, 6), "Stop Hate UK", None, "a datetime cell")),
    ]


def workbook(*sheets: tuple[str, list[list]]) -> bytes:
    """A workbook of (title, rows) sheets, in order."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


COVER = (
    "Instructions",
    [["Training records upload"], ["Fill in the Records sheet and upload the workbook."]],
)
RECORDS = ("Records", [TRAINING_HEADER[:3], ["E2", "SHUK-HATE", "2026-01-01"]])


def test_a_single_sheet_is_read_without_a_note():
    table = read(workbook(RECORDS))
    assert (table.rows, table.sheet_note) == ([(2, ("E2", "SHUK-HATE", "2026-01-01"))], "")


def test_the_sheet_with_the_headings_is_read_and_named_after_a_cover_sheet():
    table = read(workbook(COVER, RECORDS, ("Notes", [["anything", "at", "all"]])))
    assert table.rows == [(2, ("E2", "SHUK-HATE", "2026-01-01"))]
    assert table.sheet_note == (
        "Read the sheet “Records”, which has the column headings; not read: “Instructions”, “Notes”."
    )


def test_a_first_sheet_with_the_headings_is_read_and_named_too():
    table = read(workbook(RECORDS, ("Courses", [["code", "name"], ["SHUK-HATE", "Stop Hate UK"]])))
    assert table.rows == [(2, ("E2", "SHUK-HATE", "2026-01-01"))]
    assert table.sheet_note == "Read the sheet “Records”, which has the column headings; not read: “Courses”."


def test_libreoffice_template_with_a_cover_sheet_reads_the_records_sheet(libreoffice_cover_sheet_xlsx):
    table = read(libreoffice_cover_sheet_xlsx)
    assert table.rows == [
        (2, ("E2", "BTEC2-CSC", dt.datetime(2021, 3, 1), "Pearson BTEC", "PRS-1", None)),
        (3, ("E2", "HC-REFRESHER", "30/04/2024", "In-house", None, "a UK date typed as text")),
        (4, ("E3", "SHUK-HATE", dt.datetime(2025, 2, 6), "Stop Hate UK", None, "a datetime cell")),
    ]
    assert table.sheet_note == (
        "Read the sheet “Records”, which has the column headings; not read: “Read me”, “Courses”."
    )


def test_two_sheets_with_the_headings_are_refused_by_name():
    content = workbook(COVER, RECORDS, ("Records (2)", RECORDS[1]), ("Old", RECORDS[1]))
    assert problems(content) == [
        "row 1: file: the sheets “Records”, “Records (2)” and “Old” all have the column headings: "
        "keep the records on one sheet"
    ]


def test_a_workbook_with_no_sheet_of_headings_is_refused_naming_its_sheets():
    content = workbook(COVER, ("Courses", [["code", "name"]]))
    assert problems(content) == [
        "row 1: file: no sheet has the column headings (employee_number, course, completed_on) in row 1; "
        "the sheets are “Instructions” and “Courses”"
    ]


def test_the_one_sheet_with_some_headings_is_read_so_its_problem_is_precise():
    misspelt = ("Records", [["employee_number", "course", "completed"], ["E2", "SHUK-HATE", "2026-01-01"]])
    with pytest.raises(FileRejected) as e:
        read(workbook(COVER, misspelt))
    assert [str(p) for p in e.value.problems] == [
        "row 1: completed: unknown column; the columns are employee_number, course, completed_on, provider, "
        "certificate, notes",
        "row 1: completed_on: missing column",
    ]
    assert e.value.sheet_note == (
        "Read the sheet “Records”, which has the column headings; not read: “Instructions”."
    )


@pytest.mark.parametrize(
    "content",
    [
        csv_bytes(["Training records export 2026"], [[], TRAINING_HEADER, ROW]),
        csv_bytes(
            ["Training records export 2026", "", "", "", "", ""],
            [["", "", "", "", "", ""], TRAINING_HEADER, ROW],
        ),
        csv_bytes(["Training records export 2026"], [[], TRAINING_HEADER, ROW], delimiter=";"),
        csv_bytes(
            ["Training records export"], [["Exported 28/11/2026"], TRAINING_HEADER, ROW], encoding="cp1252"
        ),
        xlsx_bytes(["Training records export 2026"], [[], TRAINING_HEADER, ROW]),
    ],
    ids=["csv", "csv with empty cells", "semicolons", "windows-1252, two title rows", "xlsx"],
)
def test_headings_below_a_title_row_are_refused_naming_their_row(content):
    assert problems(content) == [
        "row 3: file: the column headings are in row 3; they must be in row 1: delete the 2 rows above them"
    ]


def test_headings_below_a_title_on_the_records_sheet_name_the_sheet_and_row():
    titled = ("Records", [["Training records"], TRAINING_HEADER[:3], ["E2", "SHUK-HATE", "2026-01-01"]])
    with pytest.raises(FileRejected) as e:
        read(workbook(COVER, titled))
    assert [str(p) for p in e.value.problems] == [
        "row 2: file: the column headings are in row 2; they must be in row 1: delete the 1 row above them"
    ]
    assert e.value.sheet_note == (
        "Read the sheet “Records”, which has the column headings; not read: “Instructions”."
    )


def test_headings_far_down_a_file_are_not_searched_for():
    content = csv_bytes(["title"], [[f"line {n}"] for n in range(25)] + [TRAINING_HEADER, ROW])
    assert problems(content)[-3:] == [
        "row 1: employee_number: missing column",
        "row 1: course: missing column",
        "row 1: completed_on: missing column",
    ]


def test_the_estimate_counts_the_largest_sheet():
    content = workbook(COVER, ("Records", [TRAINING_HEADER[:3]] + [["E2", "SHUK-HATE", "2026-01-01"]] * 30))
    assert estimate_rows(content) == 30


def test_files_that_are_not_csv_or_xlsx_are_named_for_what_they_are():
    old_xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    assert problems(old_xls) == [
        "row 1: file: an old Excel .xls workbook: save it as Excel Workbook (.xlsx) or CSV"
    ]
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("content.xml", "<office:document/>")
    assert problems(other_zip.getvalue()) == ["row 1: file: not a readable Excel workbook (.xlsx): KeyError"]
    assert problems(b"%PDF-1.7\x00\x01binary") == [
        "row 1: file: not a CSV file or an .xlsx workbook (binary data)"
    ]


def test_estimate_rows_is_cheap_and_close():
    assert estimate_rows(csv_bytes(TRAINING_HEADER, [ROW] * 30)) == 31
    assert estimate_rows(xlsx_bytes(TRAINING_HEADER, [ROW] * 30)) == 30
    assert estimate_rows(b"PK\x03\x04 not really") == 0


def test_a_heading_that_would_garble_the_problem_line_is_named_by_position():
    assert problems(b"employee_number,course,completed_on,note: see\r\n") == [
        "row 1: column 4: unknown column “note: see”; the columns are employee_number, course, completed_on, "
        "provider, certificate, notes"
    ]
