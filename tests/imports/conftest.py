import datetime as dt
import subprocess
from pathlib import Path

import pytest
import time_machine

from tests.factories import ColleagueFactory, TeamFactory

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
def libreoffice_xlsx(tmp_path_factory):
    """A workbook as LibreOffice Calc writes it: openpyxl's file re-saved by `soffice --convert-to xlsx`.

    Needs LibreOffice (CI installs libreoffice-calc-nogui); without it this fails, never skips.
    """
    from tests.imports.helpers import TRAINING_HEADER, xlsx_bytes

    folder = tmp_path_factory.mktemp("libreoffice")
    source = folder / "in" / "training.xlsx"
    source.parent.mkdir()
    source.write_bytes(
        xlsx_bytes(
            TRAINING_HEADER,
            [
                ["E2", "BTEC2-CSC", dt.date(2021, 3, 1), "Pearson BTEC", "PRS-1", ""],  # a date cell
                ["E2", "HC-REFRESHER", "30/04/2024", "In-house", "", "a UK date typed as text"],
                ["E3", "SHUK-HATE", dt.datetime(2025, 2, 6), "Stop Hate UK", "", "a datetime cell"],
            ],
        )
    )
    out = folder / "out"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return Path(out / "training.xlsx").read_bytes()
