"""Write the workbooks in this folder again: openpyxl builds each, LibreOffice Calc re-saves it.

The tests read the committed files, so `make test` needs no LibreOffice. Run
this only to change a workbook, on a machine with LibreOffice Calc
(Debian: `apt-get install --no-install-recommends libreoffice-calc-nogui`):

    .venv/bin/python tests/imports/workbooks/make.py

then commit the files it writes and the tests that read them.
"""

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
TRAINING_HEADER = ["employee_number", "course", "completed_on", "provider", "certificate", "notes"]
TRAINING_ROWS = [
    ["E2", "BTEC2-CSC", dt.date(2021, 3, 1), "Pearson BTEC", "PRS-1", ""],  # a date cell
    ["E2", "HC-REFRESHER", "30/04/2024", "In-house", "", "a UK date typed as text"],
    ["E3", "SHUK-HATE", dt.datetime(2025, 2, 6), "Stop Hate UK", "", "a datetime cell"],
]


def training(book: openpyxl.Workbook) -> None:
    """One sheet of training records: a date cell, a date typed as text, a date-time cell."""
    sheet = book.active
    sheet.title = "Training"
    sheet.append(TRAINING_HEADER)
    for row in TRAINING_ROWS:
        sheet.append(row)


def training_after_a_cover_sheet(book: openpyxl.Workbook) -> None:
    """HR's template: an instructions sheet first, the records on the second, a lookup list third."""
    cover = book.active
    cover.title = "Read me"
    cover.append(["Training records upload"])
    cover.append(["Fill in the Records sheet, one completion a row, and upload the workbook."])
    cover.append(["Dates as DD/MM/YYYY."])
    records = book.create_sheet("Records")
    records.append(TRAINING_HEADER)
    for row in TRAINING_ROWS:
        records.append(row)
    courses = book.create_sheet("Courses")
    courses.append(["code", "name"])
    courses.append(["SHUK-HATE", "Stop Hate UK hate crime awareness"])


WORKBOOKS = {
    "libreoffice-training.xlsx": training,
    "libreoffice-cover-sheet.xlsx": training_after_a_cover_sheet,
}


def main() -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("soffice is not on the PATH: install LibreOffice Calc to write these workbooks")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "in").mkdir()
        for name, build in WORKBOOKS.items():
            book = openpyxl.Workbook()
            build(book)
            book.save(work / "in" / name)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{work}/profile",
                "--headless",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(work / "out"),
                *(str(work / "in" / name) for name in WORKBOOKS),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        for name in WORKBOOKS:
            shutil.copyfile(work / "out" / name, HERE / name)
            print(f"wrote {HERE / name}")
    print(subprocess.run([soffice, "--version"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
