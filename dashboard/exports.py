"""CSV and XLSX downloads that a spreadsheet cannot turn into a formula (core.spreadsheets)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterable, Sequence

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from compliance.enums import Status
from core.spreadsheets import formula_escaped

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv_value(value) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    return formula_escaped(value)


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """Stream the rows as they are read, so a 50,000-row export starts at once and stays small."""
    writer = csv.writer(_Echo())

    def lines():
        # A byte-order mark so Excel reads UTF-8 names (Zoë, Siân) correctly.
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_csv_value(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Status cells coloured as on the pages (static/css/app.css): text, fill.
STATUS_COLOURS = {
    Status.OVERDUE: ("B3261E", "FDE7E6"),
    Status.DUE_SOON: ("8A5A00", "FFF3D6"),
    Status.PENDING: ("3C5A99", "E6ECF8"),
    Status.COMPLIANT: ("1E6B34", "E3F2E7"),
    Status.EXEMPT: ("5F5F5F", "EEEEEE"),
}
STATUS_BY_LABEL = {status.label: status for status in Status}
# Column widths are judged on the header and this many rows; a longer value past them wraps nothing,
# it just shows cut off until the reader widens the column (the rows still stream).
WIDTH_SAMPLE = 500
MAX_WIDTH = 60
DATE_FORMAT = "d mmm yyyy"  # 5 Mar 2027, as on the pages; the cell holds a real date


def xlsx_workbook(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """A workbook with one sheet per (title, header, rows), laid out for people.

    Dates are dates, text is never a formula (core.spreadsheets), the header
    row is bold, frozen and filtered, each column is as wide as its contents,
    and a column headed "Status" shows each status in words and colour.
    """
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        rows = iter(rows)
        sample = list(itertools.islice(rows, WIDTH_SAMPLE))
        status_column = next((i for i, name in enumerate(header) if str(name).lower() == "status"), None)
        # write_only sheets take widths and the frozen row before the first row is written.
        for index, width in enumerate(_widths(header, sample), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        head = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        count = 0
        for row in itertools.chain(sample, rows):
            cells = [_xlsx_cell(sheet, v) for v in row]
            if status_column is not None:
                cells[status_column] = _status_cell(sheet, row[status_column])
            sheet.append(cells)
            count += 1
        if header:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _shown(value) -> str:
    if isinstance(value, dt.date):
        return "30 Sep 2027"  # the widest a date is drawn
    if isinstance(value, str) and value in Status.values:
        return Status(value).label
    return "" if value is None else str(value)


def _widths(header: Sequence[str], rows: list[Sequence]) -> list[float]:
    # + 4: room for the filter button in the header cell.
    widths = [len(str(name)) + 4 for name in header]
    for row in rows:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], len(_shown(value)) + 2)
    return [min(w, MAX_WIDTH) for w in widths]


def _status_cell(sheet, value):
    status = Status(value) if value in Status.values else STATUS_BY_LABEL.get(value)
    if status is None:
        return _xlsx_cell(sheet, value)
    ink, fill = STATUS_COLOURS[status]
    cell = WriteOnlyCell(sheet, value=status.label)
    cell.font = Font(color=ink, bold=True)
    cell.fill = PatternFill(fill_type="solid", start_color=fill, end_color=fill)
    return cell


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=formula_escaped(value))
        # openpyxl reads any string starting with "=" as a formula; force text.
        cell.data_type = "s"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def xlsx_response(filename: str, sheets) -> HttpResponse:
    response = HttpResponse(xlsx_workbook(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
