"""The workbook writer every XLSX download goes through (dashboard/exports.py): laid out for people."""

import datetime as dt
import io

from openpyxl import load_workbook

from dashboard.exports import xlsx_workbook


def sheet_of(header, rows):
    return load_workbook(io.BytesIO(xlsx_workbook([("Sheet", header, rows)]))).active


def test_a_status_column_is_in_words_and_colour_and_other_text_is_left_alone():
    sheet = sheet_of(
        ("Name", "Status", "Due"),
        [("Ann", "due_soon", dt.date(2027, 3, 5)), ("Bo", "Overdue", None), ("Cy", "due_soon later", None)],
    )
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["Ann", "Due soon", dt.datetime(2027, 3, 5)],
        ["Bo", "Overdue", None],
        ["Cy", "due_soon later", None],
    ]
    assert [sheet.cell(row, 2).fill.fgColor.rgb for row in (2, 3)] == ["00FFF3D6", "00FDE7E6"]
    assert sheet.cell(4, 2).fill.fill_type is None
    assert sheet.cell(2, 3).number_format == "d mmm yyyy"


def test_an_empty_list_still_has_its_frozen_filtered_header_and_no_column_is_wider_than_60():
    sheet = sheet_of(("Name", "Notes"), [])
    assert (sheet.max_row, sheet.freeze_panes, sheet.auto_filter.ref) == (1, "A2", "A1:B1")
    assert sheet_of(("Notes",), [("x" * 500,)]).column_dimensions["A"].width == 60
