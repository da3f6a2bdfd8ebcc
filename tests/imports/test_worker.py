"""Large files: the real worker checks them while the page's progress bar updates; the commands' progress."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from core.access import AccessGroup
from imports.models import ImportBatch, ImportStatus
from imports.resources import ColleagueResource, SourceFile
from tests.factories import UserFactory
from tests.imports.helpers import COLLEAGUE_HEADER, TRAINING_HEADER, csv_bytes
from tests.programme.test_browser import sign_in_with_second_factor
from tests.services import screenshot
from training.models import TrainingRecord

ROWS = 300


def officers(count: int) -> list[str]:
    """Many officers quickly: through the colleague import itself rather than one factory call each."""
    numbers = [f"W{i:05d}" for i in range(count)]
    rows = [[n, "First", n, "", "NHO", "North Neighbourhoods", "E1", "2024-01-08", "", ""] for n in numbers]
    ColleagueResource().import_data(SourceFile(csv_bytes(COLLEAGUE_HEADER, rows), "c.csv"), file_name="c.csv")
    return numbers


def big_file(numbers) -> bytes:
    return csv_bytes(
        TRAINING_HEADER,
        [
            [n, code, f"2025-0{m}-1{i % 10}", "Stop Hate UK", "", ""]
            for i, n in enumerate(numbers)
            for code, m in (("SHUK-HATE", 3), ("HC-REFRESHER", 4))
        ],
    )


@pytest.mark.worker
@pytest.mark.browser
def test_a_large_upload_runs_on_the_worker_and_the_page_follows_it(
    celery_worker, page, org, settings, tmp_path
):
    settings.IMPORT_BACKGROUND_ROWS = 100  # the web server's threshold; the worker needs none
    people = officers(ROWS // 2)
    user = UserFactory(username="hr-officer")
    user.groups.add(Group.objects.get(name=AccessGroup.HR))
    path = tmp_path / "training-week-48.csv"
    path.write_bytes(big_file(people))

    sign_in_with_second_factor(page, user)  # HR signs in with a code (accounts.middleware)
    page.goto("/imports/training/upload/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/imports/*/")
    preview = ImportBatch.objects.get(kind="training", dry_run=True)
    assert preview.task_id  # handed to the worker, not run by the web server

    # The page polls and reloads itself when the worker is done: no click in between.
    page.get_by_role("button", name="Confirm import").wait_for(timeout=60_000)
    assert f"created {ROWS}, updated 0, unchanged 0" in page.content()
    screenshot(page, "import-preview")
    page.get_by_role("button", name="Confirm import").click()
    page.get_by_text("Records written").wait_for(timeout=60_000)
    assert f"created {ROWS}, updated 0, unchanged 0" in page.content()
    screenshot(page, "import-done")

    batch = ImportBatch.objects.get(kind="training", dry_run=False)
    assert (batch.status, batch.task_id != "", batch.preview) == (ImportStatus.DONE, True, preview)
    assert TrainingRecord.objects.filter(import_batch=batch).count() == ROWS


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.django_db
def test_the_commands_show_a_bar_on_a_terminal_and_plain_lines_when_piped(org, tmp_path):
    people = officers(ROWS // 2)
    path = tmp_path / "big.csv"
    path.write_bytes(big_file(people))

    piped = io.StringIO()
    call_command("import_training", str(path), "--dry-run", stdout=io.StringIO(), stderr=piped)
    assert piped.getvalue().splitlines() == [
        f"Reading the file: {ROWS:,} of {ROWS:,} rows",
        f"Checking rows: {ROWS:,} of {ROWS:,} rows",
    ]

    terminal = Terminal()
    call_command("import_training", str(path), stdout=io.StringIO(), stderr=terminal)
    drawn = terminal.getvalue()
    assert "\r" in drawn and "Checking rows: 100%" in drawn and f"{ROWS}/{ROWS}" in drawn
