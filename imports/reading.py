"""From the bytes of an uploaded file to rows of cells under known column names.

CSV (UTF-8 with or without a byte-order mark, Windows-1252 as Excel writes it
on many desktops, or UTF-16 "Unicode text") and XLSX (Excel, LibreOffice; the
sheet whose headings match, so HR's template may keep a cover sheet first).
Everything wrong with the file as a whole or with its header is raised at once
as `FileRejected`, each problem numbered as a spreadsheet numbers its rows
(the header is row 1).
"""

import csv
import io
import itertools
import operator
import re
from dataclasses import dataclass, field

from core.text import quoted

from .cells import Problem

CSV_ENCODINGS = {
    "auto": "Detect (UTF-8, or Windows-1252 as Excel saves it)",
    "utf-8": "UTF-8",
    "windows-1252": "Windows-1252 (Excel “CSV” on Windows)",
}
FILE = "file"  # the column named in a problem with the file as a whole

_CONTROL = re.compile(r"[\x00-\x1f\x7f\ufeff]")
_SEPARATORS = re.compile(r"[\s\-]+")
_PLAIN_HEADING = re.compile(r"[\w .()/&'#-]{1,40}")
# How far down a sheet to look for headings that are not in row 1 (a title and a blank row
# above them, a few lines of instructions): far enough for those, cheap on any file.
HEADING_SEARCH_ROWS = 20


@dataclass(frozen=True)
class Columns:
    """The headings a kind of file may have (docs/interfaces.md §3)."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass
class Table:
    """Data rows with their spreadsheet row numbers; cells in the order of `columns`."""

    columns: list[str]
    rows: list[tuple[int, tuple]] = field(default_factory=list)
    encoding: str = ""
    sheet_note: str = ""  # which sheet of a workbook of several was read, for the person importing


class FileRejected(Exception):
    def __init__(self, problems: list[Problem], sheet_note: str = ""):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems
        self.sheet_note = sheet_note


def heading(value) -> str:
    """Headers match case-insensitively with surrounding spaces and a BOM ignored (docs/interfaces.md §3)."""
    name = _CONTROL.sub("", "" if value is None else str(value)).strip().lower()
    return _SEPARATORS.sub("_", name)


def is_xlsx(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"


def read_table(content: bytes, *, columns: Columns, max_rows: int, encoding: str = "auto") -> Table:
    if not content.strip():
        raise FileRejected([Problem(1, FILE, "the file is empty")])
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRejected(
            [Problem(1, FILE, "an old Excel .xls workbook: save it as Excel Workbook (.xlsx) or CSV")]
        )
    if is_xlsx(content):
        return _xlsx_table(content, columns=columns, max_rows=max_rows)
    text, used = _decode(content, encoding)
    return _tabulate(_csv_rows(text), columns=columns, max_rows=max_rows, encoding=used)


def estimate_rows(content: bytes) -> int:
    """Roughly how many data rows, cheaply: whether a web upload is big enough to hand to the worker."""
    if is_xlsx(content):
        try:
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
            try:  # the sheet read may not be the first (a cover sheet): the largest is the safe guess
                return max(max((sheet.max_row or 0) - 1, 0) for sheet in book.worksheets)
            finally:
                book.close()
        except Exception:  # unreadable: reading it properly reports why
            return 0
    return content.count(b"\n")


def _decode(content: bytes, encoding: str) -> tuple[str, str]:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        candidates = ["utf-16"]
    elif encoding == "windows-1252":
        candidates = ["cp1252"]
    elif encoding == "utf-8" or content[:3] == b"\xef\xbb\xbf":
        candidates = ["utf-8-sig"]
    elif encoding == "auto":
        # Excel's "CSV" on a Windows desktop saves Windows-1252; strict UTF-8 fails on
        # its accented letters and curly quotes, so the fallback is unambiguous.
        candidates = ["utf-8", "cp1252"]
    else:
        raise FileRejected([Problem(1, FILE, f"unknown encoding {quoted(encoding)}")])
    for candidate in candidates:
        try:
            text = content.decode(candidate)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise FileRejected([Problem(1, FILE, "not a CSV file or an .xlsx workbook (binary data)")])
        names = {"utf-8-sig": "utf-8", "cp1252": "windows-1252"}
        return text, names.get(candidate, candidate)
    wanted = " or ".join(
        {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252"}[c] for c in candidates
    )
    raise FileRejected([Problem(1, FILE, f"not readable as {wanted} text: save it as “CSV UTF-8” or .xlsx")])


def _csv_rows(text: str):
    # The headings' line decides; a title line above them (refused, but named) may have no separator.
    lines = text.split("\n", HEADING_SEARCH_ROWS)[:HEADING_SEARCH_ROWS]
    first_line = next((line for line in lines if any(d in line for d in (",", ";", "\t"))), "")
    delimiter = next((d for d in (",", ";", "\t") if d in first_line), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    row = 0
    try:
        for row, cells in enumerate(reader, 1):
            yield row, cells
    except csv.Error as e:
        raise FileRejected([Problem(row + 1, FILE, f"cannot be read as CSV: {e}")]) from None


def _xlsx_table(content: bytes, *, columns: Columns, max_rows: int) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as e:
        # openpyxl raises a dozen kinds of error on a damaged or foreign zip; to the user
        # they are one thing: this is not a workbook we can read.
        raise FileRejected(
            [Problem(1, FILE, f"not a readable Excel workbook (.xlsx): {type(e).__name__}")]
        ) from None
    try:
        sheets = book.worksheets
        sheet = sheets[0] if len(sheets) == 1 else _sheet_with_headings(sheets, columns)
        note = ""
        if len(sheets) > 1:
            others = ", ".join(quoted(s.title) for s in sheets if s is not sheet)
            note = f"Read the sheet {quoted(sheet.title)}, which has the column headings; not read: {others}."
        try:
            table = _tabulate(_sheet_rows(sheet), columns=columns, max_rows=max_rows, encoding="xlsx")
        except FileRejected as e:
            e.sheet_note = note
            raise
        table.sheet_note = note
        return table
    finally:
        book.close()


def _sheet_with_headings(sheets, columns: Columns):
    """The one sheet of a workbook that holds the file's headings (HR's template has a cover sheet first).

    A sheet qualifies when its first rows hold every required heading (row 1,
    or a lower row, which `_tabulate` then refuses by name). Failing that, the
    one sheet whose row 1 has any of the file's headings is read, so its
    missing or misspelt heading is reported as for a single sheet.
    """
    complete, partial = [], []
    for sheet in sheets:
        try:
            top = list(sheet.iter_rows(max_row=HEADING_SEARCH_ROWS, values_only=True))
        except Exception as e:  # a damaged sheet is reported, never a traceback
            raise FileRejected(
                [Problem(1, FILE, f"the sheet {quoted(sheet.title)} cannot be read: {type(e).__name__}")]
            ) from None
        if any(_holds_headings(cells, columns) for cells in top):
            complete.append(sheet)
        elif top and _known_headings(top[0], columns):
            partial.append(sheet)
    if len(complete) == 1:
        return complete[0]
    names = _listed([quoted(s.title) for s in (complete or sheets)])
    if complete:
        raise FileRejected(
            [
                Problem(
                    1, FILE, f"the sheets {names} all have the column headings: keep the records on one sheet"
                )
            ]
        )
    if len(partial) == 1:
        return partial[0]
    required = ", ".join(columns.required)
    raise FileRejected(
        [Problem(1, FILE, f"no sheet has the column headings ({required}) in row 1; the sheets are {names}")]
    )


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _sheet_rows(sheet):
    # Some writers record a wrong sheet size; reading every row present is safer.
    sheet.reset_dimensions()
    row = 0
    try:
        for cells in sheet.iter_rows():
            row += 1
            number = next((c.row for c in cells if getattr(c, "row", None)), row)
            while row < number:  # a gap: rows with nothing in them are not written to the file
                yield row, []
                row += 1
            yield row, [c.value for c in cells]
    except Exception as e:  # a damaged sheet is reported, never a traceback
        raise FileRejected(
            [Problem(row + 1, FILE, f"the workbook cannot be read past here: {type(e).__name__}")]
        ) from None


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _known_headings(cells, columns: Columns) -> set[str]:
    return {heading(c) for c in cells if not _blank(c)} & set(columns.names)


def _holds_headings(cells, columns: Columns) -> bool:
    return set(columns.required) <= _known_headings(cells, columns)


def _headings_lower_down(header, raw_rows, columns: Columns):
    """Row 1 lacks the headings: the row further down that holds them, if any, and every row read."""
    looked = [(1, header)]
    for number, cells in raw_rows:
        looked.append((number, cells))
        if _holds_headings(cells, columns):
            return number, looked
        if number >= HEADING_SEARCH_ROWS:
            break
    return None, looked


def _tabulate(raw_rows, *, columns: Columns, max_rows: int, encoding: str) -> Table:
    raw_rows = iter(raw_rows)
    _, header = next(raw_rows, (1, []))
    if not _holds_headings(header, columns):
        # A title row above the headings is common in HR exports; say so rather than list
        # every "unknown column" the title row makes.
        found, looked = _headings_lower_down(header, raw_rows, columns)
        if found is not None:
            above = found - 1
            raise FileRejected(
                [
                    Problem(
                        found,
                        FILE,
                        f"the column headings are in row {found}; they must be in row 1: delete the "
                        f"{above} row{'s' if above != 1 else ''} above them",
                    )
                ]
            )
        raw_rows = itertools.chain(looked[1:], raw_rows)
    if all(_blank(c) for c in header):
        raise FileRejected([Problem(1, FILE, "the first row must hold the column headings; it is empty")])
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    unnamed: list[int] = []
    known = set(columns.names)
    for index, cell in enumerate(header):
        name = heading(cell)
        if not name:
            unnamed.append(index)
        elif name not in known:
            written = _CONTROL.sub("", str(cell)).strip()
            expected = f"the columns are {', '.join(columns.names)}"
            if _PLAIN_HEADING.fullmatch(written):
                problems.append(Problem(1, written, f"unknown column; {expected}"))
            else:  # a heading that would garble the `row R: COLUMN: message` line is named by position
                problems.append(
                    Problem(1, f"column {index + 1}", f"unknown column {quoted(written)}; {expected}")
                )
        elif name in positions:
            problems.append(
                Problem(1, name, f"appears twice (columns {positions[name] + 1} and {index + 1})")
            )
        else:
            positions[name] = index
    problems += [Problem(1, name, "missing column") for name in columns.required if name not in positions]
    if problems:
        raise FileRejected(problems)

    names = [n for n in columns.names if n in positions]
    picks = [positions[n] for n in names]
    pick = operator.itemgetter(*picks) if len(picks) > 1 else (lambda cells: (cells[picks[0]],))
    width = max(picks) + 1
    unnamed_with_values: set[int] = set()
    table = Table(columns=names, encoding=encoding)
    rows = table.rows
    for number, cells in raw_rows:
        try:
            blank = not "".join(cells).strip()  # a CSV row: one C call rather than one per cell
        except TypeError:
            blank = all(_blank(c) for c in cells)
        if blank:
            continue
        if len(rows) >= max_rows:
            raise FileRejected(
                [
                    Problem(
                        number,
                        FILE,
                        f"more than {max_rows:,} rows: split the file; one import takes {max_rows:,}",
                    )
                ]
            )
        if len(cells) < width:
            cells = list(cells) + [None] * (width - len(cells))
        elif len(cells) > width:
            for index in range(width, len(cells)):
                if not _blank(cells[index]):
                    if index >= len(header):
                        problems.append(
                            Problem(
                                number,
                                f"column {index + 1}",
                                "a value beyond the last heading (a comma inside a cell without quotes?)",
                            )
                        )
                        break
                    unnamed_with_values.add(index)
        for index in unnamed:
            if index < width and not _blank(cells[index]):
                unnamed_with_values.add(index)
        rows.append((number, pick(cells)))
    problems = [
        Problem(1, f"column {index + 1}", "has values but no heading")
        for index in sorted(unnamed_with_values)
        if index in unnamed
    ] + problems
    if problems:
        raise FileRejected(sorted(problems, key=lambda p: p.row))
    return table
