"""import_training: every check, every format, idempotence, provenance (docs/interfaces.md §2, §3.2; issue 3)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imports.models import ImportBatch, ImportKind, ImportSource, ImportStatus
from imports.resources import SourceFile, TrainingRecordResource
from tests.factories import ColleagueFactory, record
from tests.imports.helpers import TRAINING_HEADER, csv_bytes, d, run_import, written, xlsx_bytes
from training.models import RecordSource, TrainingRecord

pytestmark = pytest.mark.django_db

GOOD = [
    ["E2", "BTEC2-CSC", "2021-03-01", "Pearson BTEC", "PRS-1", ""],
    ["E2", "HC-REFRESHER", "30/04/2024", "In-house", "", "UK day-first date"],
    ["E3", "BTEC3-CSCNM", "2019-06-01", "Pearson BTEC", "PRS-2", "a previous job"],
]


def training(tmp_path, content, *args, name="training.csv"):
    return run_import("import_training", tmp_path, content, *args, name=name)


def records():
    return sorted(
        TrainingRecord.objects.values_list(
            "colleague__employee_number", "course__code", "completed_on", "provider", "certificate", "notes"
        )
    )


EXPECTED = [
    ("E2", "BTEC2-CSC", d("2021-03-01"), "Pearson BTEC", "PRS-1", ""),
    ("E2", "HC-REFRESHER", d("2024-04-30"), "In-house", "", "UK day-first date"),
    ("E3", "BTEC3-CSCNM", d("2019-06-01"), "Pearson BTEC", "PRS-2", "a previous job"),
]


def test_a_good_file_creates_its_records_and_says_so_last(org, tmp_path):
    run = training(tmp_path, csv_bytes(TRAINING_HEADER, GOOD, bom=True))
    assert (run.code, run.last) == (0, "created 3, updated 0, unchanged 0")
    assert records() == EXPECTED
    assert set(TrainingRecord.objects.values_list("source", flat=True)) == {RecordSource.IMPORT}


def test_the_same_file_again_creates_nothing_and_warns(org, tmp_path):
    content = csv_bytes(TRAINING_HEADER, GOOD)
    first = training(tmp_path, content)
    again = training(tmp_path, content)
    assert (again.code, again.last) == (0, "created 0, updated 0, unchanged 3")
    assert records() == EXPECTED
    batch = ImportBatch.objects.filter(dry_run=False).order_by("pk").first()
    assert f"warning: This file was imported before: import {batch.pk} on 28/11/2026 at 10:00 by" in again.err
    assert "imported before" not in first.err


def test_a_changed_provider_or_certificate_updates_the_record_in_place(org, tmp_path):
    training(tmp_path, csv_bytes(TRAINING_HEADER, GOOD))
    ids = set(TrainingRecord.objects.values_list("id", flat=True))
    changed = [[*GOOD[0][:3], "Pearson", "PRS-1A", ""], GOOD[1], GOOD[2]]
    run = training(tmp_path, csv_bytes(TRAINING_HEADER, changed))
    assert run.last == "created 0, updated 1, unchanged 2"
    assert set(TrainingRecord.objects.values_list("id", flat=True)) == ids
    assert records()[0] == ("E2", "BTEC2-CSC", d("2021-03-01"), "Pearson", "PRS-1A", "")


def test_an_empty_cell_never_erases_what_is_stored(org, tmp_path):
    training(tmp_path, csv_bytes(TRAINING_HEADER, GOOD))
    blanked = [[*row[:3], "", "", ""] for row in GOOD]
    assert training(tmp_path, csv_bytes(TRAINING_HEADER, blanked)).last == "created 0, updated 0, unchanged 3"
    only_keys = csv_bytes(TRAINING_HEADER[:3], [row[:3] for row in GOOD])
    assert training(tmp_path, only_keys).last == "created 0, updated 0, unchanged 3"
    assert records() == EXPECTED


def test_a_dry_run_counts_and_writes_nothing(org, tmp_path):
    before = written()
    run = training(tmp_path, csv_bytes(TRAINING_HEADER, GOOD), "--dry-run")
    assert (run.code, run.lines[-2:]) == (
        0,
        [
            f"dry run (import {ImportBatch.objects.get().pk}): nothing was written",
            "created 3, updated 0, unchanged 0",
        ],
    )
    assert written() == before
    batch = ImportBatch.objects.get()
    assert (batch.dry_run, batch.status, batch.created) == (True, ImportStatus.DONE, 3)


BAD_ROWS = [
    (
        ["E404", "SHUK-HATE", "2025-01-01", "", "", ""],
        "row 2: employee_number: no colleague “E404”: import colleagues first",
    ),
    (["", "SHUK-HATE", "2025-01-01", "", "", ""], "row 2: employee_number: empty: every row needs one"),
    (
        ["E2", "NO-SUCH", "2025-01-01", "", "", ""],
        "row 2: course: no course “NO-SUCH”; the courses are BTEC2-CSC, BTEC3-CSCNM, BTEC5-PAMCS, HC-REFRESHER, SHUK-HATE",
    ),
    (["E2", "", "2025-01-01", "", "", ""], "row 2: course: empty: every row needs a course code"),
    (["E2", "SHUK-HATE", "29/11/2026", "", "", ""], "row 2: completed_on: 29/11/2026 is in the future"),
    (
        ["E2", "SHUK-HATE", "31/02/2025", "", "", ""],
        "row 2: completed_on: there is no such date as “31/02/2025”",
    ),
    (
        ["E2", "SHUK-HATE", "02/13/2025", "", "", ""],
        "row 2: completed_on: there is no such date as “02/13/2025” (dates are day first: DD/MM/YYYY)",
    ),
    (["E2", "SHUK-HATE", "", "", "", ""], "row 2: completed_on: empty: every row needs the date completed"),
    (
        ["E2", "SHUK-HATE", "01/01/1066", "", "", ""],
        "row 2: completed_on: “01/01/1066” is not a possible date (year 1066)",
    ),
    (
        ["E2", "SHUK-HATE", "2025-01-01", '=HYPERLINK("http://x")', "", ""],
        'row 2: provider: “=HYPERLINK("http://x")” is a spreadsheet formula: put the value itself in the cell',
    ),
    (
        ["E2", "SHUK-HATE", "2025-01-01", "p" * 201, "", ""],
        "row 2: provider: 201 characters; at most 200 fit",
    ),
]


@pytest.mark.parametrize(
    ("row", "message"),
    BAD_ROWS,
    ids=[m.split(": ", 2)[1] + ": " + m.split(": ", 2)[2][:30] for _, m in BAD_ROWS],
)
def test_each_problem_rejects_the_whole_file_with_one_line(org, tmp_path, row, message):
    before = written()
    run = training(tmp_path, csv_bytes(TRAINING_HEADER, [row, GOOD[0]]))
    assert run.code == 1
    assert run.lines == [message]
    assert written() == before
    assert "was rejected (1 problem); nothing was written" in run.err


def test_duplicate_rows_in_the_file_are_a_problem(org, tmp_path):
    before = written()
    run = training(
        tmp_path,
        csv_bytes(TRAINING_HEADER, [GOOD[0], GOOD[1], ["E2", "btec2-csc", "01/03/2021", "", "", ""]]),
    )
    assert (run.code, run.lines) == (
        1,
        ["row 4: employee_number: repeats row 2 (the same colleague, course and completion date)"],
    )
    assert written() == before


def test_every_problem_is_listed_in_row_order(org, tmp_path):
    rows = [
        GOOD[0],
        ["E404", "NOPE", "tomorrow", "", "", ""],
        GOOD[1],
        ["E3", "SHUK-HATE", "2027-01-01", "", "", ""],
    ]
    run = training(tmp_path, csv_bytes(TRAINING_HEADER, rows))
    assert run.lines == [
        "row 3: employee_number: no colleague “E404”: import colleagues first",
        "row 3: course: no course “NOPE”; the courses are BTEC2-CSC, BTEC3-CSCNM, BTEC5-PAMCS, HC-REFRESHER, SHUK-HATE",
        "row 3: completed_on: “tomorrow” is not a date: write YYYY-MM-DD or DD/MM/YYYY",
        "row 5: completed_on: 01/01/2027 is in the future",
    ]


def test_header_problems_are_reported_as_row_1(org, tmp_path):
    before = written()
    run = training(
        tmp_path,
        csv_bytes(["employee_number", "course", "date", "trainer"], [["E2", "SHUK-HATE", "2025-01-01", "x"]]),
    )
    assert (run.code, run.lines) == (
        1,
        [
            "row 1: date: unknown column; the columns are employee_number, course, completed_on, provider, certificate, notes",
            "row 1: trainer: unknown column; the columns are employee_number, course, completed_on, provider, certificate, notes",
            "row 1: completed_on: missing column",
        ],
    )
    assert written() == before


@pytest.mark.parametrize(
    "content",
    [
        csv_bytes(TRAINING_HEADER, GOOD, encoding="cp1252"),
        csv_bytes(TRAINING_HEADER, GOOD, bom=True),
        xlsx_bytes(
            TRAINING_HEADER,
            [[r[0], r[1], dt.date.fromisoformat(r[2]) if "-" in r[2] else r[2], *r[3:]] for r in GOOD],
        ),
    ],
    ids=["windows-1252 csv", "utf-8 csv with BOM", "xlsx by openpyxl, date cells and a text date"],
)
def test_each_format_imports_the_same_records(org, tmp_path, content):
    name = "training.xlsx" if content[:2] == b"PK" else "training.csv"
    assert training(tmp_path, content, name=name).last == "created 3, updated 0, unchanged 0"
    assert records() == EXPECTED


def test_an_xlsx_written_by_libreoffice_imports(org, tmp_path, libreoffice_xlsx):
    run = training(tmp_path, libreoffice_xlsx, name="training.xlsx")
    assert (run.code, run.last) == (0, "created 3, updated 0, unchanged 0")
    assert records() == [
        ("E2", "BTEC2-CSC", d("2021-03-01"), "Pearson BTEC", "PRS-1", ""),
        ("E2", "HC-REFRESHER", d("2024-04-30"), "In-house", "", "a UK date typed as text"),
        ("E3", "SHUK-HATE", d("2025-02-06"), "Stop Hate UK", "", "a datetime cell"),
    ]


def test_an_employee_number_typed_as_a_number_in_excel_matches(org, tmp_path):
    ColleagueFactory(employee_number="10045", role="NHO")
    content = xlsx_bytes(TRAINING_HEADER, [[10045, "SHUK-HATE", dt.date(2025, 1, 1), "x", 998877, None]])
    assert training(tmp_path, content, name="t.xlsx").last == "created 1, updated 0, unchanged 0"
    assert TrainingRecord.objects.get(colleague__employee_number="10045").certificate == "998877"


def test_an_oversized_file_is_refused_before_reading(org, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 100
    run = training(tmp_path, csv_bytes(TRAINING_HEADER, GOOD))
    assert (run.code, run.lines) == (
        1,
        ["row 1: file: the file is 0.0 MB; one import takes at most 0 MB: split it into smaller files"],
    )


def test_too_many_rows_are_refused(org, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 2
    before = written()
    run = training(tmp_path, csv_bytes(TRAINING_HEADER, GOOD))
    assert (run.code, run.lines) == (1, ["row 4: file: more than 2 rows: split the file; one import takes 2"])
    assert written() == before


def test_the_batch_records_who_when_which_file_and_what(org, tmp_path):
    content = csv_bytes(TRAINING_HEADER, GOOD)
    training(tmp_path, content)
    batch = ImportBatch.objects.get()
    import hashlib

    assert (
        batch.kind,
        batch.source,
        batch.file_name,
        batch.sha256,
        batch.size,
        batch.dry_run,
        batch.status,
        batch.rows,
        batch.counts_line,
        batch.encoding,
    ) == (
        ImportKind.TRAINING,
        ImportSource.COMMAND,
        "training.csv",
        hashlib.sha256(content).hexdigest(),
        len(content),
        False,
        ImportStatus.DONE,
        3,
        "created 3, updated 0, unchanged 0",
        "utf-8",
    )
    assert batch.uploaded_by_name.startswith("command line (")
    assert batch.started_at == dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)
    assert batch.content is None


def test_every_record_and_its_history_name_the_import(org, tmp_path):
    hand = record(org["E2"], "SHUK-HATE", "2024-01-01")
    training(tmp_path, csv_bytes(TRAINING_HEADER, GOOD))
    first = ImportBatch.objects.get()
    training(
        tmp_path,
        csv_bytes(TRAINING_HEADER, [["E2", "SHUK-HATE", "2024-01-01", "Stop Hate UK Leeds", "", ""]]),
    )
    second = ImportBatch.objects.latest("pk")
    assert set(TrainingRecord.objects.exclude(pk=hand.pk).values_list("import_batch", flat=True)) == {
        first.pk
    }
    hand.refresh_from_db()
    assert (hand.import_batch_id, hand.provider) == (second.pk, "Stop Hate UK Leeds")
    versions = list(
        hand.history.order_by("history_id").values_list(
            "history_type", "import_batch_id", "history_change_reason", "provider"
        )
    )
    assert versions == [
        ("+", None, None, "Stop Hate UK"),
        ("~", second.pk, f"Import {second.pk}: training.csv", "Stop Hate UK Leeds"),
    ]
    created = TrainingRecord.history.model.objects.filter(import_batch_id=first.pk)
    assert (
        sorted(created.values_list("history_type", "history_change_reason"))
        == [("+", f"Import {first.pk}: training.csv")] * 3
    )


def test_bulk_history_rows_match_what_simple_history_writes_on_save(org, tmp_path, admin_user):
    """Field for field, a bulk history row is the row simple-history writes for the same change."""
    training(tmp_path, csv_bytes(TRAINING_HEADER, [GOOD[0]]))
    bulk = TrainingRecord.history.model.objects.get()
    saved = TrainingRecord.objects.get()
    saved.provider = "changed by hand"
    saved.save()
    by_hand = saved.history.latest("history_id")
    skip = {
        "history_id",
        "history_date",
        "history_type",
        "history_change_reason",
        "history_user_id",
        "provider",
    }
    fields = [f.attname for f in TrainingRecord.history.model._meta.concrete_fields if f.attname not in skip]
    assert [getattr(bulk, f) for f in fields] == [getattr(by_hand, f) for f in fields]


@pytest.mark.parametrize("size", [1, 50])
def test_query_count_does_not_grow_with_the_file(org, size):
    colleagues = ColleagueFactory.create_batch(size, role="NHO")
    rows = [[c.employee_number, "SHUK-HATE", "2025-01-01", "p", "", ""] for c in colleagues]
    content = csv_bytes(TRAINING_HEADER, rows)
    with CaptureQueriesContext(connection) as new:
        TrainingRecordResource().import_data(SourceFile(content, "t.csv"), file_name="t.csv")
    changed = csv_bytes(TRAINING_HEADER, [[*r[:3], "q", "", ""] for r in rows])
    with CaptureQueriesContext(connection) as updated:
        TrainingRecordResource().import_data(SourceFile(changed, "t.csv"), file_name="t.csv")
    with CaptureQueriesContext(connection) as unchanged:
        TrainingRecordResource().import_data(SourceFile(changed, "t.csv"), file_name="t.csv")
    assert TrainingRecord.objects.filter(provider="q").count() == size
    # Batch: insert, mark running, same file before?; savepoint, lock; colleagues, courses, records;
    # new: ids, COPY records, COPY history; updated: temporary table, COPY, UPDATE ... RETURNING, drop,
    # COPY history; batch saved, release.
    assert (len(new), len(updated), len(unchanged)) == (13, 15, 10)


def test_excel_date_times_at_midnight_import_as_their_dates(org, tmp_path):
    rows = [
        ["E2", "BTEC2-CSC", "01/03/2021 00:00", "Pearson BTEC", "PRS-1", "Excel's CSV of a date-time column"],
        ["E3", "SHUK-HATE", "2025-02-06T00:00:00", "Stop Hate UK", "", "an HR system's ISO date-time"],
    ]
    run = training(tmp_path, csv_bytes(TRAINING_HEADER, rows))
    assert (run.code, run.last) == (0, "created 2, updated 0, unchanged 0")
    assert [r[:3] for r in records()] == [
        ("E2", "BTEC2-CSC", d("2021-03-01")),
        ("E3", "SHUK-HATE", d("2025-02-06")),
    ]


def test_a_date_with_a_time_of_day_rejects_the_file_saying_why(org, tmp_path):
    before = written()
    rows = [
        ["E2", "BTEC2-CSC", "01/03/2021 00:00", "Pearson BTEC", "", ""],
        ["E3", "SHUK-HATE", "05/02/2025 23:00", "Stop Hate UK", "", ""],
    ]
    run = training(tmp_path, csv_bytes(TRAINING_HEADER, rows))
    assert (run.code, run.lines) == (
        1,
        [
            "row 3: completed_on: “05/02/2025 23:00” has a time, 23:00: only a date is read, and a time other "
            "than 00:00 can put the date a day out (a time-zone shift); write the date alone, DD/MM/YYYY"
        ],
    )
    assert written() == before


def test_a_workbook_with_a_cover_sheet_imports_its_records_sheet_and_says_so(
    org, tmp_path, libreoffice_cover_sheet_xlsx
):
    run = training(tmp_path, libreoffice_cover_sheet_xlsx, name="template.xlsx")
    assert (run.code, run.last) == (0, "created 3, updated 0, unchanged 0")
    assert [line for line in run.err.splitlines() if line.startswith("warning:")] == [
        "warning: Read the sheet “Records”, which has the column headings; not read: “Read me”, “Courses”."
    ]
    assert len(records()) == 3


def test_headings_below_a_title_row_reject_the_file_naming_their_row(org, tmp_path):
    before = written()
    run = training(tmp_path, csv_bytes(["Training records, November 2026"], [TRAINING_HEADER, *GOOD]))
    assert (run.code, run.lines) == (
        1,
        ["row 2: file: the column headings are in row 2; they must be in row 1: delete the 1 row above them"],
    )
    assert written() == before


def test_a_file_name_with_a_line_break_is_quoted_on_one_line(org, tmp_path):
    run = training(tmp_path, csv_bytes(TRAINING_HEADER, [["E404", *GOOD[0][1:]]]), name="training\nNov.csv")
    assert run.code == 1
    assert run.err.splitlines()[-1].startswith(
        "“training\\nNov.csv” was rejected (1 problem); nothing was written"
    )
