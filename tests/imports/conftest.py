import datetime as dt
from pathlib import Path

import pytest
import time_machine

from tests.factories import ColleagueFactory, TeamFactory

WORKBOOKS = Path(__file__).parent / "workbooks"
TODAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def today():
    """The tests' "today": 28 November 2026 (a completion after it is in the future)."""
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture
def org(reference, today):
    """A small organisation: a team and three officers, E1 managing E2 and E3."""
    team = TeamFactory(name="North Neighbourhoods")
    e1 = ColleagueFactory(
        employee_number="E1",
        first_name="Amira",
        last_name="Khan",
        team=team,
        role="CSM",
        start_date=dt.date(2018, 4, 1),
        email="amira.khan@example.org",
    )
    e2 = ColleagueFactory(
        employee_number="E2",
        first_name="Ben",
        last_name="Birch",
        team=team,
        role="NHO",
        start_date=dt.date(2020, 5, 1),
        line_manager=e1,
        email="ben.birch@example.org",
    )
    e3 = ColleagueFactory(
        employee_number="E3",
        first_name="Cara",
        last_name="Cole",
        team=team,
        role="CSO",
        start_date=dt.date(2021, 9, 6),
        line_manager=e1,
        email="cara.cole@example.org",
    )
    return {"team": team, "E1": e1, "E2": e2, "E3": e3}


@pytest.fixture(scope="session")
def libreoffice_xlsx():
    """A workbook as LibreOffice Calc writes it: openpyxl's file re-saved by `soffice --convert-to xlsx`.

    Committed (tests/imports/workbooks/README.md says how it was made), so the
    suite needs no LibreOffice.
    """
    return (WORKBOOKS / "libreoffice-training.xlsx").read_bytes()


@pytest.fixture(scope="session")
def libreoffice_cover_sheet_xlsx():
    """HR's template re-saved by LibreOffice Calc: a "Read me" sheet, then "Records", then "Courses"."""
    return (WORKBOOKS / "libreoffice-cover-sheet.xlsx").read_bytes()
