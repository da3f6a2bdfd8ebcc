"""Reading one cell: dates in the forms HR files use (docs/rules.md §2), text, formulas. No database."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imports.cells import CellProblem, Problem, checked_text, parse_date, text


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-02-06", dt.date(2026, 2, 6)),
        (" 2026-02-06 ", dt.date(2026, 2, 6)),
        ("06/02/2026", dt.date(2026, 2, 6)),
        ("6/2/2026", dt.date(2026, 2, 6)),
        ("06.02.2026", dt.date(2026, 2, 6)),
        ("06-02-2026", dt.date(2026, 2, 6)),
        ("6 Feb 2026", dt.date(2026, 2, 6)),
        ("6 February 2026", dt.date(2026, 2, 6)),
        ("2026-02-06 00:00:00", dt.date(2026, 2, 6)),
        # Excel saves a date-time column to CSV with the time; HR systems export ISO date-times.
        ("06/02/2026 00:00", dt.date(2026, 2, 6)),
        ("06/02/2026 00:00:00", dt.date(2026, 2, 6)),
        ("2026-02-06T00:00:00", dt.date(2026, 2, 6)),
        ("2026-02-06T00:00", dt.date(2026, 2, 6)),
        ("2026-02-06 00:00:00.000", dt.date(2026, 2, 6)),
        ("6 Feb 2026 00:00", dt.date(2026, 2, 6)),
        ("29/02/2024", dt.date(2024, 2, 29)),
        (dt.date(2026, 2, 6), dt.date(2026, 2, 6)),
        (dt.datetime(2026, 2, 6, 0, 0), dt.date(2026, 2, 6)),
    ],
)
def test_parse_date_reads_iso_and_uk_day_first(cell, expected):
    assert parse_date(cell) == expected


TIME_REFUSED = (
    "only a date is read, and a time other than 00:00 can put the date a day out (a time-zone shift); "
    "write the date alone, DD/MM/YYYY"
)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("02/13/2026", "there is no such date as “02/13/2026” (dates are day first: DD/MM/YYYY)"),
        ("31/02/2026", "there is no such date as “31/02/2026”"),
        ("29/02/2025", "there is no such date as “29/02/2025”"),
        ("06/02/26", "“06/02/26” has a two-digit year: write the year in full, DD/MM/YYYY"),
        ("next Tuesday", "“next Tuesday” is not a date: write YYYY-MM-DD or DD/MM/YYYY"),
        ("01/01/1066", "“01/01/1066” is not a possible date (year 1066)"),
        ("2026-02-06T09:30", f"“2026-02-06T09:30” has a time, 09:30: {TIME_REFUSED}"),
        ("06/02/2026 14:30", f"“06/02/2026 14:30” has a time, 14:30: {TIME_REFUSED}"),
        ("05/02/2026 23:00:00", f"“05/02/2026 23:00:00” has a time, 23:00: {TIME_REFUSED}"),
        ("2026-02-06T00:00:01", f"“2026-02-06T00:00:01” has a time, 00:00:01: {TIME_REFUSED}"),
        ("2026-02-06T00:00:00.5", f"“2026-02-06T00:00:00.5” has a time, 00:00: {TIME_REFUSED}"),
        (dt.datetime(2026, 2, 6, 9, 30), f"“2026-02-06 09:30:00” has a time, 09:30: {TIME_REFUSED}"),
        ("06/02/2026 25:00", "“06/02/2026 25:00” is not a date: write YYYY-MM-DD or DD/MM/YYYY"),
        ("31/02/2026 00:00", "there is no such date as “31/02/2026 00:00”"),
        ("06/02/26 00:00", "“06/02/26 00:00” has a two-digit year: write the year in full, DD/MM/YYYY"),
        ("2026-02-06T00:00:00Z", "“2026-02-06T00:00:00Z” is not a date: write YYYY-MM-DD or DD/MM/YYYY"),
        (45328, "“45328” is a number, not a date: format the column as dates or write DD/MM/YYYY"),
        ("6 Smarch 2026", "“6 Smarch 2026” is not a date: write YYYY-MM-DD or DD/MM/YYYY"),
    ],
)
def test_parse_date_refuses_what_it_would_have_to_guess(cell, message):
    with pytest.raises(CellProblem) as e:
        parse_date(cell)
    assert str(e.value) == message


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_parse_date_round_trips_both_written_forms(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d/%m/%Y")) == day


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, ""),
        ("  E1 ", "E1"),
        (10045, "10045"),
        (10045.0, "10045"),
        (2.5, "2.5"),
        (dt.date(2024, 1, 2), "2024-01-02"),
    ],
)
def test_text_reads_workbook_numbers_as_digits(cell, expected):
    assert text(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            "=cmd|' /C calc'!A0",
            "“=cmd|' /C calc'!A0” is a spreadsheet formula: put the value itself in the cell",
        ),
        ("x" * 11, "11 characters; at most 10 fit"),
        ("bell\x07", "“bell\\x07” holds control characters"),
    ],
)
def test_checked_text_refuses_formulas_overlong_and_control_characters(cell, message):
    with pytest.raises(CellProblem) as e:
        checked_text(cell, max_length=10)
    assert str(e.value) == message


def test_checked_text_keeps_other_text_as_written():
    assert checked_text("  -5 then +1 @home\tnote ", max_length=50) == "-5 then +1 @home\tnote"


def test_a_problem_prints_as_the_contract_says():
    assert str(Problem(3, "course", "no course “X”")) == "row 3: course: no course “X”"


def test_a_problem_is_one_line_whatever_another_program_said():
    problem = Problem(2, "file", "cannot be read as CSV: new-line character\nseen in unquoted field\u2028")
    assert (
        str(problem)
        == "row 2: file: cannot be read as CSV: new-line character\\nseen in unquoted field\\u2028"
    )
