"""A canary colleague through every write path: exported from every place, then erased from all of them.

The canary has a name, email, employee number and free text found nowhere
else. They are imported (colleagues, then training with notes), reviewed with
an agreed action, given a waiver, booked on a session, asked about by the case
management system, reminded, and their eligibility change is sent to a
webhook. The subject access export (JSON and HTML) must show each of those
places; after the retention rule runs, a full `pg_dump` of the database, the
stored files and everything the app logged must hold none of the canary, and
the aggregate figures (counts per team and quarter) must not move.
"""

import datetime as dt
import json
import logging
import os
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from compliance.enums import WaiverKind
from compliance.models import CaseType, Requirement, Waiver
from compliance.reports import compliance_report_rows
from core.access import AccessGroup
from dashboard.models import ComplianceSnapshot, StatusSummary
from dashboard.selectors.kpi import Quarter, quarterly_kpi
from dashboard.services import summary_rebuild
from imports.models import ImportBatch, ImportSource
from integrations.models import Decision, WebhookDelivery
from integrations.services import api_client_issue, webhook_register
from integrations.webhooks import eligibility_changes_detect
from people.models import Colleague
from privacy.services import anonymise_leavers
from programme.services import booking_create
from reminders.models import Reminder
from reminders.services import colleague_reminders_send
from reviews.services import colleague_review_record
from tests.factories import UserFactory
from tests.imports.helpers import COLLEAGUE_HEADER, TRAINING_HEADER, csv_bytes, run_import
from tests.programme.helpers import at, session_on
from training.models import Course
from workspace.services import completion_record, waiver_request_submit

NUMBER = "CNRY-40417"
FIRST, LAST = "Quillonius", "Zephyrcanary"
EMAIL = "quillonius.zephyrcanary@example.org"
NOTES = "canary-notes-31337: refer to occupational health"
CERTIFICATE = "canary-cert-31337"
DISCUSSED = "canary-review-31337 discussed the refresher"
ACTION = "canary-action-31337: refer to occupational health"
REASON = "canary-waiver-31337: long-term sickness"
ASKED = "canary-request-31337: course cancelled"
# A certificate file (stored in the database) that names its holder inside.
CERTIFICATE_FILE = b"%PDF-1.4\n% awarded to canary-file-31337\n%%EOF\n"
CANARY = (NUMBER, FIRST, LAST, EMAIL, "canary-notes-31337", CERTIFICATE, "canary-review-31337",
          "canary-action-31337", "canary-waiver-31337", "canary-request-31337", "canary-file-31337")  # fmt: skip


def moment(day: str):
    return time_machine.travel(dt.datetime.fromisoformat(f"{day}T09:00:00+00:00"), tick=False)


class Everything(logging.Handler):
    """Every record any logger emits, formatted as the app's log would print it."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(f"{record.name} {record.getMessage()} {record.exc_text or ''}")


@pytest.fixture
def logged():
    handler = Everything()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(old_level)


def colleague_rows(leaving: str = ""):
    return [
        [NUMBER, FIRST, LAST, EMAIL, "NHO", "Canary Patch", "", "2016-01-04", "", leaving],
        ["OTHER-1", "Olive", "Other", "olive@example.org", "NHO", "Canary Patch", "", "2016-01-04", "", ""],
    ]


def pg_dump() -> str:
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = ["pg_dump", "--no-owner", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432)]
    command += ["-U", db["USER"] or "postgres", db["NAME"]]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


def found_in(text: str) -> list[str]:
    """The canary strings in `text`, as text or as the hex pg_dump writes a stored file (bytea) in."""
    return [c for c in CANARY if c.lower() in text.lower() or c.encode().hex() in text.lower()]


def figures():
    """The aggregates: snapshot counts per team and requirement, the KPI quarters, the report on dates."""
    snapshots = sorted(
        ComplianceSnapshot.objects.values_list(
            "taken_on",
            "team__name",
            "requirement__code",
            "compliant",
            "due_soon",
            "overdue",
            "pending",
            "exempt",
        )
    )
    with moment("2026-11-28"):
        kpis = [
            quarterly_kpi(Colleague.objects.all(), Quarter(2019, n), dt.date(2026, 11, 28)) for n in (1, 2, 3)
        ]
    report = [
        (r.team, r.role, r.requirement, r.status, r.due_date, r.valid_until)
        for day in (dt.date(2018, 7, 1), dt.date(2019, 7, 1))
        for r in compliance_report_rows(day=day)
    ]
    return snapshots, kpis, sorted(report, key=str)


@pytest.mark.django_db(transaction=True)
def test_the_canary_is_exported_from_every_place_then_erased_from_all(client, tmp_path, settings, logged):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RETENTION_YEARS_AFTER_LEAVING = 6
    call_command("loaddata", "reference", verbosity=0)
    files = tmp_path / "hr"
    files.mkdir()

    with moment("2018-06-01"):
        # Both imports, through the command HR runs.
        run = run_import(
            "import_colleagues", files, csv_bytes(COLLEAGUE_HEADER, colleague_rows()), "--create-teams"
        )
        assert (run.code, run.last) == (0, "created 2, updated 0, unchanged 0")
        training = [
            [NUMBER, "BTEC2-CSC", "2016-06-01", "Pearson BTEC", CERTIFICATE, NOTES],
            [NUMBER, "HC-REFRESHER", "2017-06-01", "In-house", "", NOTES],
            ["OTHER-1", "BTEC2-CSC", "2016-06-01", "Pearson BTEC", "", ""],
            ["OTHER-1", "HC-REFRESHER", "2017-09-01", "In-house", "", ""],
        ]
        run = run_import("import_training", files, csv_bytes(TRAINING_HEADER, training))
        assert (run.code, run.last) == (0, "created 4, updated 0, unchanged 0")
        canary = Colleague.objects.get(employee_number=NUMBER)
        # Their login: the account holds their name, email and a username made from it.
        canary.user = UserFactory(username="qzephyrcanary", first_name=FIRST, last_name=LAST, email=EMAIL)
        canary.save()
        # The same file previewed on the upload page and never confirmed: the file itself is stored.
        hr = UserFactory(username="hr-officer")
        hr.groups.add(Group.objects.get(name=AccessGroup.HR))
        client.force_login(hr)
        upload = SimpleUploadedFile("hr.csv", csv_bytes(COLLEAGUE_HEADER, colleague_rows()))
        client.post(reverse("imports:upload-colleagues"), {"file": upload, "encoding": "auto"})
        assert NUMBER.encode() in bytes(ImportBatch.objects.get(source=ImportSource.WEB).content)
        client.logout()

        # The case management system's webhook (its first look is the baseline) and a question.
        api, token = api_client_issue(name="case-system")
        webhook_register(
            client=api, url="http://127.0.0.1:9/", case_type=CaseType.objects.get(code="hate_crime")
        )
        eligibility_changes_detect(day=dt.date(2018, 6, 1))
        answer = client.get(
            f"/api/v1/eligibility/{NUMBER}/?case_type=hate_crime", HTTP_AUTHORIZATION=f"Token {token}"
        )
        assert answer.status_code == 200 and answer.json()["eligible"] is True

        # A review with an agreed action (health data), a waiver, a booking.
        colleague_review_record(
            colleague=canary,
            reviewed_on=dt.date(2018, 6, 1),
            training_discussed=DISCUSSED,
            next_review_on=dt.date(2019, 6, 1),
            actions=[(ACTION, dt.date(2018, 7, 1))],
        )
        Waiver.objects.create(
            colleague=canary,
            requirement=Requirement.objects.get(code="HATE-REFRESHER"),
            kind=WaiverKind.EXEMPTION,
            reason=REASON,
            approved_by="Head of HR",
            approved_on=dt.date(2018, 1, 2),
            starts_on=dt.date(2018, 1, 2),
            ends_on=dt.date(2018, 2, 1),
        )
        assert booking_create(session=session_on(at("2018-07-10")), colleague=canary) is not None
        # A certificate HR attached (an old qualification: no status moves) and a request about them.
        completion_record(
            colleague=canary,
            course=Course.objects.get(code="BTEC2-CSC"),
            completed_on=dt.date(2016, 7, 1),
            uploaded=SimpleUploadedFile(f"{LAST} certificate.pdf", CERTIFICATE_FILE),
            by=hr,
        )
        waiver_request_submit(
            colleague=canary,
            requirement=Requirement.objects.get(code="HATE-REFRESHER"),
            kind=WaiverKind.EXTENSION,
            new_due_date=dt.date(2019, 12, 1),
            reason=ASKED,
            by=hr,
        )
        summary_rebuild(day=dt.date(2018, 6, 1))

    # The refresher falls due on 1 June 2019: reminders before it, an eligibility change after it.
    day = dt.date(2019, 3, 1)
    while not Reminder.objects.filter(colleague=canary).exists() and day < dt.date(2019, 6, 30):
        with moment(day.isoformat()):
            colleague_reminders_send(colleague_id=canary.pk, day=day)
        day += dt.timedelta(days=1)
    assert Reminder.objects.filter(colleague=canary).exists()
    with moment("2019-06-03"):
        assert eligibility_changes_detect(day=dt.date(2019, 6, 3)) == 1
        summary_rebuild(day=dt.date(2019, 6, 3))
    with moment("2019-09-02"):
        # HR's next export shows them leaving: an ordinary update of a stored colleague.
        run = run_import(
            "import_colleagues", files, csv_bytes(COLLEAGUE_HEADER, colleague_rows("2019-08-30"))
        )
        assert (run.code, run.last) == (0, "created 0, updated 1, unchanged 1")
        summary_rebuild(day=dt.date(2019, 9, 2))

    assert Decision.objects.filter(employee_number=NUMBER).count() == 1
    assert WebhookDelivery.objects.filter(payload__eligibility__employee_number=NUMBER).count() == 1
    # The dashboard's summary holds active colleagues only: the last rebuild, after they left, dropped them.
    assert not StatusSummary.objects.filter(employee_number=NUMBER).exists()

    # ---- the subject access export shows every place
    with moment("2026-11-28"):
        client.force_login(hr)
        data = json.loads(client.get(reverse("privacy:subject_access_json", args=[NUMBER])).content)
        html = client.get(reverse("privacy:subject_access", args=[NUMBER])).content.decode()
    sections = data["sections"]
    holds = {
        # section: the canary's strings it must show
        "people.colleague": (NUMBER, FIRST, LAST, EMAIL),
        "people.colleague (history)": (NUMBER, FIRST, LAST, EMAIL),
        "auth.user": ("qzephyrcanary", FIRST, LAST, EMAIL),
        "training.trainingrecord": ("canary-notes-31337", CERTIFICATE),
        "training.trainingrecord (history)": ("canary-notes-31337", CERTIFICATE),
        "compliance.waiver": ("canary-waiver-31337",),
        "compliance.waiver (history)": ("canary-waiver-31337",),
        "reviews.colleaguereview": ("canary-review-31337",),
        "reviews.colleaguereview (history)": ("canary-review-31337",),
        "reviews.reviewaction": ("canary-action-31337",),
        "reviews.reviewaction (history)": ("canary-action-31337",),
        "training.evidence": (LAST,),
        "training.evidence (history)": (LAST,),
        "workspace.request": ("canary-request-31337",),
        "workspace.request (history)": ("canary-request-31337",),
        "integrations.decision": (NUMBER,),
        "integrations.webhookdelivery": (NUMBER,),
        "imports.importbatch": (NUMBER, FIRST, LAST, EMAIL),  # the two imports and the preview
        # Rows about them that hold no text of theirs: present, linked by id.
        "people.roleassignment": (),
        "people.roleassignment (history)": (),
        "programme.booking": (),
        "programme.booking (history)": (),
        "programme.bookingmessage": (),
        "reminders.reminder": (),
        "integrations.eligibilitystate": (),
    }
    missing = {
        label: [c for c in strings if c not in json.dumps(sections.get(label, []))]
        for label, strings in holds.items()
        if label not in sections or any(c not in json.dumps(sections[label]) for c in strings)
    }
    assert not missing, f"the JSON export lacks: {missing}"
    assert all(label in html for label in holds)
    assert "privacy.dataexport" in html and f"Subject access export for {NUMBER}" in html  # the JSON one
    for label, strings in holds.items():
        for text in strings:
            assert text.replace("'", "&#x27;") in html, (label, text)
    # Another colleague's rows in the same imports are not theirs to see.
    assert "Olive" not in json.dumps(sections) and "OTHER-1" not in json.dumps(
        sections["imports.importbatch"]
    )

    # ---- the retention rule erases every place, and the figures stay
    before = figures()
    with moment("2026-11-28"):
        assert anonymise_leavers(today=dt.date(2026, 11, 28)) == [NUMBER]
    assert figures() == before

    dump = pg_dump()
    assert found_in(dump) == [], [line for line in dump.splitlines() if found_in(line)]
    assert ImportBatch.objects.get(source=ImportSource.WEB).content is None  # the stored file went whole
    assert "Olive" in dump and "OTHER-1" in dump  # the dump did read the data
    stored = (
        [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
        if Path(settings.MEDIA_ROOT).exists()
        else []
    )
    assert [p for p in stored if found_in(p.read_bytes().decode("utf-8", "replace"))] == []
    assert [line for line in logged if found_in(line)] == [], "the app logged the canary"
    assert any("task" in line for line in logged)  # the capture did see the app's log
