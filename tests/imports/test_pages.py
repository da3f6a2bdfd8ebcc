"""The upload pages for HR who are not staff, and the admin's import page: the same import behind both."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.access import AccessGroup
from imports.models import ImportBatch, ImportSource, ImportStatus
from imports.services import import_batch_process
from people.models import Colleague
from tests.factories import ColleagueFactory, TrainingRecordFactory, UserFactory
from tests.imports.helpers import COLLEAGUE_HEADER, TRAINING_HEADER, csv_bytes, run_import, written
from training.models import Course, TrainingRecord

pytestmark = pytest.mark.django_db

GOOD = [
    ["E2", "BTEC2-CSC", "2021-03-01", "Pearson BTEC", "PRS-1", ""],
    ["E2", "HC-REFRESHER", "30/04/2024", "In-house", "", "UK day-first date"],
    ["E3", "BTEC3-CSCNM", "2019-06-01", "Pearson BTEC", "PRS-2", "a previous job"],
]


@pytest.fixture
def hr(org, client):
    """An HR officer who is not staff: no admin, only the upload pages."""
    user = UserFactory(username="hr-officer")
    user.groups.add(Group.objects.get(name=AccessGroup.HR))
    client.force_login(user)
    return user


def upload(client, content, kind="training", name="training.csv", **extra):
    url = reverse(f"imports:upload-{kind}")
    return client.post(url, {"file": SimpleUploadedFile(name, content), "encoding": "auto", **extra})


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def test_the_upload_page_names_the_columns(client, hr):
    response = client.get(reverse("imports:upload-training"))
    assert response.status_code == 200
    assert (
        "in any order: employee_number, course, completed_on , and if you have them provider, certificate, notes."
        in text(response)
    )
    assert "Allow new teams" not in text(response)
    assert "Allow new teams" in text(client.get(reverse("imports:upload-colleagues")))


def test_upload_previews_row_by_row_then_confirm_writes(client, org, hr):
    TrainingRecordFactory(
        colleague=org["E3"],
        course=Course.objects.get(code="BTEC3-CSCNM"),
        completed_on=dt.date(2019, 6, 1),
        provider="Pearson",
    )
    before = written()
    response = upload(client, csv_bytes(TRAINING_HEADER, GOOD, bom=True))
    preview = ImportBatch.objects.get()
    assert response.url == reverse("imports:batch", args=[preview.pk])
    assert written() == before  # a preview writes nothing
    page = text(client.get(response.url))
    assert "created 2, updated 1, unchanged 0" in page
    assert "2 created E2 BTEC2-CSC 2021-03-01 Pearson BTEC PRS-1" in page
    assert "4 updated E3 BTEC3-CSCNM 2019-06-01 Pearson → Pearson BTEC" in page
    assert "Confirm import" in page

    response = client.post(reverse("imports:confirm", args=[preview.pk]))
    batch = ImportBatch.objects.get(dry_run=False)
    assert response.url == reverse("imports:batch", args=[batch.pk])
    assert (batch.preview, batch.source, batch.uploaded_by, batch.status) == (
        preview,
        ImportSource.WEB,
        hr,
        ImportStatus.DONE,
    )
    assert TrainingRecord.objects.count() == 3
    assert set(
        TrainingRecord.history.model.objects.filter(import_batch_id=batch.pk).values_list(
            "history_user", flat=True
        )
    ) == {hr.pk}
    page = text(client.get(response.url))
    assert "created 2, updated 1, unchanged 0" in page
    assert "Records written" in page and "created E2 BTEC2-CSC 2021-03-01 Pearson BTEC PRS-1" in page
    preview.refresh_from_db()
    assert preview.content is None  # the file is not kept once imported


def test_confirming_twice_imports_once(client, hr):
    upload(client, csv_bytes(TRAINING_HEADER, GOOD))
    preview = ImportBatch.objects.get()
    client.post(reverse("imports:confirm", args=[preview.pk]))
    response = client.post(reverse("imports:confirm", args=[preview.pk]), follow=True)
    assert "This preview cannot be imported (again)" in text(response)
    assert (ImportBatch.objects.filter(dry_run=False).count(), TrainingRecord.objects.count()) == (1, 3)


def test_a_rejected_upload_lists_every_problem_and_offers_no_confirm(client, hr):
    before = written()
    rows = [
        GOOD[0],
        ["E404", "SHUK-HATE", "2025-01-01", "", "", ""],
        ["E2", "SHUK-HATE", "2030-01-01", "", "", ""],
    ]
    page = text(client.get(upload(client, csv_bytes(TRAINING_HEADER, rows)).url))
    assert "The file was rejected: nothing was written" in page
    assert "row 3: employee_number: no colleague “E404”: import colleagues first" in page
    assert "row 4: completed_on: 01/01/2030 is in the future" in page
    assert "Confirm import" not in page
    assert written() == before


def test_the_colleagues_preview_and_import_report_skipped_leavers_like_the_command(
    client, hr, tmp_path, settings
):
    settings.RETENTION_YEARS_AFTER_LEAVING = 6
    rows = [
        ["E20", "Dee", "Dean", "", "NHO", "North Neighbourhoods", "E1", "2025-01-06", "", ""],
        ["E21", "Old", "Leaver", "", "NHO", "North Neighbourhoods", "", "2001-01-06", "", "31/03/2012"],
    ]
    content = csv_bytes(COLLEAGUE_HEADER, rows)
    line = "skipped 1 leavers past the retention period (rows 3)"
    page = text(client.get(upload(client, content, kind="colleagues", name="hr.csv").url))
    assert f"{line}: they will not be stored" in page
    assert "created 1, updated 0, unchanged 0" in page
    client.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]))
    page = text(client.get(reverse("imports:batch", args=[ImportBatch.objects.get(dry_run=False).pk])))
    assert f"{line}: they were not stored" in page
    assert list(
        Colleague.objects.filter(employee_number__in=["E20", "E21"]).values_list("employee_number")
    ) == [("E20",)]
    assert run_import("import_colleagues", tmp_path, content, "--dry-run").lines[-2:] == [
        line,
        "created 0, updated 0, unchanged 1",
    ]


def test_colleagues_upload_creates_teams_only_when_allowed(client, hr):
    rows = [["E20", "Dee", "Dean", "", "NHO", "West Patch", "E1", "2025-01-06", "", ""]]
    page = text(client.get(upload(client, csv_bytes(COLLEAGUE_HEADER, rows), kind="colleagues").url))
    assert "row 2: team: no team “West Patch” yet" in page
    response = upload(client, csv_bytes(COLLEAGUE_HEADER, rows), kind="colleagues", create_teams="on")
    preview = ImportBatch.objects.latest("pk")
    assert (preview.create_teams, "created 1, updated 0, unchanged 0" in text(client.get(response.url))) == (
        True,
        True,
    )
    client.post(reverse("imports:confirm", args=[preview.pk]))
    assert Colleague.objects.get(employee_number="E20").team.name == "West Patch"


def test_an_oversized_upload_is_refused_by_the_form(client, hr, settings):
    settings.IMPORT_MAX_BYTES = 50
    response = upload(client, csv_bytes(TRAINING_HEADER, GOOD))
    assert response.status_code == 200
    assert "The file is 0.0 MB; one import takes at most 0 MB: split it into smaller files." in text(response)
    assert ImportBatch.objects.count() == 0


def test_someone_outside_hr_cannot_upload_or_see_others_imports(client, org, hr):
    upload(client, csv_bytes(TRAINING_HEADER, GOOD))
    batch = ImportBatch.objects.get()
    manager = UserFactory(username="a-manager")
    manager.groups.add(Group.objects.get(name=AccessGroup.MANAGER))
    client.force_login(manager)
    assert client.get(reverse("imports:upload-training")).status_code == 403
    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 403
    assert client.get(reverse("imports:batch", args=[batch.pk])).status_code == 404
    assert client.get(reverse("imports:progress", args=[batch.pk])).status_code == 404
    assert "No imports yet." in text(client.get(reverse("imports:list")))
    client.logout()
    assert client.get(reverse("imports:upload-training")).status_code == 302


def test_the_list_shows_each_import(client, hr):
    upload(client, csv_bytes(TRAINING_HEADER, GOOD), name="week-48.csv")
    page = text(client.get(reverse("imports:list")))
    assert "week-48.csv hr-officer preview (dry run) Done 3 0 0 0" in page


def test_the_progress_answer_of_a_finished_import(client, hr):
    upload(client, csv_bytes(TRAINING_HEADER, GOOD))
    batch = ImportBatch.objects.get()
    assert client.get(reverse("imports:progress", args=[batch.pk])).json() == {
        "status": "done",
        "label": "Done",
        "finished": True,
        "stage": "",
        "done": 0,
        "total": 0,
        "queued_offline": False,
    }


def test_a_waiting_import_shows_a_progress_bar(client, hr):
    upload(client, csv_bytes(TRAINING_HEADER, GOOD))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.QUEUED, task_id="not-started")
    response = client.get(reverse("imports:batch", args=[batch.pk]))
    assert '<progress id="import-bar" max="100"></progress>' in response.content.decode()
    assert client.get(reverse("imports:progress", args=[batch.pk])).json()["finished"] is False


@pytest.mark.parametrize("size", [1, 50])
def test_the_import_page_query_count_does_not_grow(client, hr, size):
    people = ColleagueFactory.create_batch(size, role="NHO")
    content = csv_bytes(
        TRAINING_HEADER, [[p.employee_number, "SHUK-HATE", "2025-01-01", "x", "", ""] for p in people]
    )
    upload(client, content)
    client.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]))
    batch = ImportBatch.objects.get(dry_run=False)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("imports:batch", args=[batch.pk])).status_code == 200
    # session, user, second-factor device, groups; the batch; written rows: count, page; the session's
    # idle timer saved (savepoint, update, release)
    assert len(queries) == 10


# ---------------------------------------------------------------------- the admin's import page


@pytest.fixture
def staff(org, client):
    user = UserFactory(username="hr-staff", is_staff=True)
    user.groups.add(Group.objects.get(name=AccessGroup.HR))
    client.force_login(user)
    return user


def test_admin_import_previews_then_confirms(client, staff):
    url = reverse("admin:training_trainingrecord_import")
    assert client.get(url).status_code == 200
    before = written()
    response = client.post(
        url,
        {
            "import_file": SimpleUploadedFile("t.csv", csv_bytes(TRAINING_HEADER, GOOD)),
            "format": "0",
            "encoding": "auto",
        },
    )
    page = text(response)
    assert "Preview: created 3, updated 0, unchanged 0" in page
    assert "2 Created E2 BTEC2-CSC 2021-03-01 Pearson BTEC PRS-1" in page
    assert written() == before
    confirm = {
        k: v
        for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', response.content.decode())
        if k != "csrfmiddlewaretoken"
    }
    response = client.post(reverse("admin:training_trainingrecord_process_import"), confirm, follow=True)
    batch = ImportBatch.objects.get(dry_run=False)
    assert f"Import {batch.pk} done: created 3, updated 0, unchanged 0." in text(response)
    assert (batch.source, batch.uploaded_by, TrainingRecord.objects.count()) == (ImportSource.ADMIN, staff, 3)


def test_admin_import_rejects_with_one_line_per_problem(client, staff):
    before = written()
    rows = [GOOD[0], ["E2", "NOPE", "2025-01-01", "", "", ""]]
    response = client.post(
        reverse("admin:training_trainingrecord_import"),
        {
            "import_file": SimpleUploadedFile("t.csv", csv_bytes(TRAINING_HEADER, rows)),
            "format": "0",
            "encoding": "auto",
        },
    )
    page = text(response)
    assert "The file was rejected: nothing was written" in page
    assert "row 3: course: no course “NOPE”" in page
    assert "Confirm import" not in page
    assert written() == before


def test_admin_colleague_import_has_the_new_teams_tick(client, staff):
    rows = [["E20", "Dee", "Dean", "", "NHO", "West Patch", "", "2025-01-06", "", ""]]
    url = reverse("admin:people_colleague_import")
    response = client.post(
        url,
        {
            "import_file": SimpleUploadedFile("c.csv", csv_bytes(COLLEAGUE_HEADER, rows)),
            "format": "0",
            "encoding": "auto",
            "create_teams": "on",
        },
    )
    assert "Preview: created 1, updated 0, unchanged 0" in text(response)
    confirm = {
        k: v
        for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', response.content.decode())
        if k != "csrfmiddlewaretoken"
    }
    assert confirm["create_teams"] == "True"
    client.post(reverse("admin:people_colleague_process_import"), confirm)
    assert Colleague.objects.get(employee_number="E20").team.name == "West Patch"


def test_a_large_admin_upload_goes_to_the_worker_and_the_import_page(
    client, staff, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 2
    content = csv_bytes(TRAINING_HEADER, GOOD)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            reverse("admin:training_trainingrecord_import"),
            {"import_file": SimpleUploadedFile("t.csv", content), "format": "0", "encoding": "auto"},
        )
    batch = ImportBatch.objects.get()
    assert response.url == reverse("imports:batch", args=[batch.pk])
    # Queued for the worker once the upload is committed (test_worker.py runs the real one).
    assert (len(queued), batch.status, bool(batch.task_id), bytes(batch.content)) == (
        1,
        ImportStatus.QUEUED,
        True,
        content,
    )
    assert "Waiting for the worker to start" in text(client.get(response.url))
    import_batch_process(batch=batch)
    assert "created 3, updated 0, unchanged 0" in text(client.get(response.url))


def test_admin_without_change_permission_has_no_import(client, org):
    user = UserFactory(username="viewer", is_staff=True)
    user.groups.add(Group.objects.get(name=AccessGroup.AUDITOR))
    client.force_login(user)
    assert client.get(reverse("admin:training_trainingrecord_import")).status_code == 403


def test_uploading_a_file_imported_before_warns(client, hr):
    content = csv_bytes(TRAINING_HEADER, GOOD)
    upload(client, content)
    client.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]))
    first = ImportBatch.objects.get(dry_run=False)
    page = text(client.get(upload(client, content).url))
    assert f"This file was imported before: import {first.pk} on 28/11/2026 at 10:00 by hr-officer." in page
    assert "created 0, updated 0, unchanged 3" in page


def test_a_records_admin_history_names_the_import_that_changed_it(client, staff, tmp_path):
    run_import("import_training", tmp_path, csv_bytes(TRAINING_HEADER, GOOD[:1]), name="week-48.csv")
    record = TrainingRecord.objects.get()
    batch = ImportBatch.objects.get()
    page = text(client.get(reverse("admin:training_trainingrecord_history", args=[record.pk])))
    assert f"Import {batch.pk}: week-48.csv" in page


def test_a_batch_keeps_the_first_problems_and_the_command_prints_them_all(client, hr, tmp_path, monkeypatch):
    from imports import services

    monkeypatch.setattr(services, "STORED_PROBLEMS", 1)
    rows = [["E404", "SHUK-HATE", "2025-01-01", "", "", ""], ["E2", "NOPE", "2025-01-01", "", "", ""]]
    run = run_import("import_training", tmp_path, csv_bytes(TRAINING_HEADER, rows))
    assert len(run.lines) == 2
    batch = ImportBatch.objects.get()
    assert (batch.problem_count, len(batch.problems)) == (2, 1)
    page = text(client.get(reverse("imports:batch", args=[batch.pk])))
    assert "These are the first 1 of 2; manage.py import_training --dry-run FILE lists every one." in page


def test_the_preview_says_which_sheet_of_a_workbook_was_read(client, hr, libreoffice_cover_sheet_xlsx):
    page = text(client.get(upload(client, libreoffice_cover_sheet_xlsx, name="template.xlsx").url))
    assert "Read the sheet “Records”, which has the column headings; not read: “Read me”, “Courses”." in page
    assert "created 3, updated 0, unchanged 0" in page
    client.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]))
    done = ImportBatch.objects.get(dry_run=False)
    assert (done.status, done.created) == (ImportStatus.DONE, 3)
    assert done.warnings == [
        "Read the sheet “Records”, which has the column headings; not read: “Read me”, “Courses”."
    ]


def test_a_rejected_preview_shows_each_problem_on_one_line(client, hr):
    content = csv_bytes([*TRAINING_HEADER[:5], "no\u2028tes"], GOOD)
    response = client.get(upload(client, content).url)
    lines = [line.strip() for line in re.findall(r"<li>(.*?)</li>", response.content.decode(), re.S)]
    assert (
        "row 1: column 6: unknown column “no\\u2028tes”; the columns are employee_number, course, "
        "completed_on, provider, certificate, notes" in lines
    )
