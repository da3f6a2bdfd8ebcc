"""A training file for the demo's import page, big enough to watch its progress bar move.

Mostly old history (refreshers from three to eight years ago, which changes
nobody's status today), plus this week's refresher for the officers whose
refresher is overdue: after the import the dashboard shows them renewed.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from .people import DemoColleague

HISTORY_COURSES = ("HC-REFRESHER", "SHUK-HATE")
HISTORY_FROM_DAYS = 3 * 365
HISTORY_EVERY_DAYS = 14
HISTORY_COUNT = 140  # about 5 years of fortnights, per course and colleague
RENEWED_PROFILES = ("refresher overdue",)


def demo_training_rows(today: dt.date, people: list[DemoColleague]) -> list[dict[str, str]]:
    rows = []
    for p in people:
        if p.leaving_date:
            continue
        for course in HISTORY_COURSES:
            for k in range(HISTORY_COUNT):
                day = today - dt.timedelta(days=HISTORY_FROM_DAYS + k * HISTORY_EVERY_DAYS)
                rows.append(
                    {
                        "employee_number": p.employee_number,
                        "course": course,
                        "completed_on": day.isoformat(),
                        "provider": "Stop Hate UK" if course == "SHUK-HATE" else "In-house",
                        "certificate": "",
                        "notes": "Demo history",
                    }
                )
        if p.profile in RENEWED_PROFILES:
            rows.append(
                {
                    "employee_number": p.employee_number,
                    "course": "HC-REFRESHER",
                    "completed_on": (today - dt.timedelta(days=2)).isoformat(),
                    "provider": "In-house",
                    "certificate": f"HCR-{p.employee_number}",
                    "notes": "Renewed this week (demo)",
                }
            )
    return rows


def demo_training_file_write(path: Path, today: dt.date, people: list[DemoColleague]) -> int:
    """Write the file (UTF-8 CSV, the import's own columns); returns the number of rows."""
    rows = demo_training_rows(today, people)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(
            f, fieldnames=["employee_number", "course", "completed_on", "provider", "certificate", "notes"]
        )
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
