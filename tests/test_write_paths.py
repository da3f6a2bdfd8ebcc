"""Every way a record can be written, and every place people read the answer: they agree at once.

One row per write path. After each write, with nothing else run (no worker,
no nightly rebuild: what a reader does on its own), the dashboard's counts,
the overdue list and its export, the matrix, the colleague page, the KPI
figures, the API and the reminder candidates all give the engine's answer
for every colleague. The summary is built before the write, so a reader
that showed the stored figures without the write would fail here.

A table the engine reads that no row writes fails `test_every_watched_table_has_a_write_path`.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from compliance.changes import WATCHED, changes_drain
from compliance.enums import WaiverKind
from compliance.models import CaseType, Requirement, Waiver
from compliance.selectors import compliance_on, eligibility_for
from dashboard.selectors.dashboard import live_figures
from dashboard.services import summary_rebuild
from integrations.services import api_client_issue
from people.models import Colleague, Role, RoleAssignment, Team
from programme.services import booking_attendance_mark, bookings_create
from reminders.rules import reminders_due
from reminders.selectors import reminder_candidates
from tests.admin_forms import admin_submit
from tests.imports.helpers import COLLEAGUE_HEADER, TRAINING_HEADER, csv_bytes
from tests.organisation import NOW, TODAY, D, build_org
from tests.programme.helpers import at, session_on
from training.models import Course, Equivalence, TrainingRecord

pytestmark = pytest.mark.django_db


@dataclasses.dataclass(frozen=True)
class WritePath:
    name: str
    tables: frozenset[str]  # what it writes, of the tables an answer depends on
    write: Callable  # (org, hr_client, tmp_path, capture) -> None


def _id(org, number):
    return org.people[number].pk


def cli_import_training(org, hr, tmp_path, capture):
    path = tmp_path / "training.csv"
    path.write_bytes(csv_bytes(TRAINING_HEADER, [["N1", "HC-REFRESHER", "2026-05-30", "", "", ""]]))
    call_command("import_training", str(path), stdout=io.StringIO())


def web_import_training_by_the_worker(org, hr, tmp_path, capture):
    content = csv_bytes(TRAINING_HEADER, [["S2", "BTEC2-CSC", "2026-05-29", "", "", ""]])
    with capture(execute=True):
        response = hr.post(
            reverse("imports:upload-training"), {"encoding": "auto", "file": _upload("training.csv", content)}
        )
    assert response.status_code in (200, 302), response.status_code
    batch = _latest_batch()
    with capture(execute=True):
        confirmed = hr.post(reverse("imports:confirm", args=[batch.pk]))
    assert confirmed.status_code in (200, 302)
    assert TrainingRecord.objects.filter(colleague__employee_number="S2", course__code="BTEC2-CSC").exists()


def cli_import_colleagues_role_change(org, hr, tmp_path, capture):
    n2 = org.people["N2"]
    path = tmp_path / "colleagues.csv"
    row = [
        "N2",
        n2.first_name,
        n2.last_name,
        n2.email,
        "CSO",
        "North",
        "N0",
        "2025-09-01",
        "2026-05-01",
        "",
    ]
    path.write_bytes(csv_bytes(COLLEAGUE_HEADER, [row]))
    call_command("import_colleagues", str(path), stdout=io.StringIO())
    assert n2.role_assignments.filter(role__code="CSO").exists()


def admin_edit_colleague_leaver(org, hr, tmp_path, capture):
    url = reverse("admin:people_colleague_change", args=[_id(org, "S2")])
    admin_submit(hr, url, {"leaving_date": "2026-05-31"})
    assert Colleague.objects.get(employee_number="S2").leaving_date == D("2026-05-31")


def admin_add_training_record(org, hr, tmp_path, capture):
    admin_submit(
        hr,
        reverse("admin:training_trainingrecord_add"),
        {
            "colleague": str(_id(org, "N3")),
            "course": str(Course.objects.get(code="HC-REFRESHER").pk),
            "completed_on": "2026-05-28",
        },
    )


def admin_add_waiver(org, hr, tmp_path, capture):
    admin_submit(
        hr,
        reverse("admin:compliance_waiver_add"),
        {
            "colleague": str(_id(org, "S2")),
            "requirement": str(Requirement.objects.get(code="BTEC-L2").pk),
            "kind": WaiverKind.EXTENSION,
            "reason": "Long-term sickness",
            "approved_by": "Head of HR",
            "approved_on": "2026-05-20",
            "new_due_date": "2026-12-31",
        },
    )
    assert Waiver.objects.filter(colleague__employee_number="S2").exists()


def admin_add_equivalence(org, hr, tmp_path, capture):
    outside = Course.objects.create(code="CIH-ASB", title="CIH Certificate in ASB", kind="qualification")
    TrainingRecord.objects.create(colleague=org.people["S2"], course=outside, completed_on=D("2025-03-01"))
    admin_submit(
        hr,
        reverse("admin:training_equivalence_add"),
        {
            "course": str(outside.pk),
            "satisfies": str(Course.objects.get(code="BTEC2-CSC").pk),
            "approved_by": "Community Safety Manager",
            "approved_on": "2026-05-01",
        },
    )
    assert Equivalence.objects.filter(course=outside).exists()


def attendance_marked_on_a_session(org, hr, tmp_path, capture):
    session = session_on(at("2026-05-20"), capacity=5)
    with time_machine.travel(at("2026-05-19"), tick=False):
        (booking,) = bookings_create(session=session, colleagues=[org.people["N1"]])
    booking_attendance_mark(booking=booking, attended=True)


def role_change_saved(org, hr, tmp_path, capture):
    RoleAssignment.objects.create(
        colleague=org.people["S1"], role=Role.objects.get(code="CSO"), started_on=D("2026-05-15")
    )


def leaver_by_queryset_update(org, hr, tmp_path, capture):
    Colleague.objects.filter(employee_number="N1").update(leaving_date=D("2026-05-31"))


def requirement_change_by_update(org, hr, tmp_path, capture):
    Requirement.objects.filter(code="HATE-REFRESHER").update(recurrence_months=36)


def requirement_roles_changed(org, hr, tmp_path, capture):
    Requirement.objects.get(code="BTEC-L3").roles.add(Role.objects.get(code="NHO"))


def case_type_roles_changed(org, hr, tmp_path, capture):
    CaseType.objects.get(code="hate_crime").roles.remove(Role.objects.get(code="CSO"))


def requirement_gates_changed(org, hr, tmp_path, capture):
    Requirement.objects.get(code="HATE-REFRESHER").gates.clear()


def requirement_courses_changed(org, hr, tmp_path, capture):
    Requirement.objects.get(code="HATE-REFRESHER").courses.remove(Course.objects.get(code="SHUK-HATE"))


def case_type_renamed(org, hr, tmp_path, capture):
    CaseType.objects.filter(code="hate_crime").update(name="Hate crime and harassment")


def role_renamed(org, hr, tmp_path, capture):
    Role.objects.filter(code="NHO").update(name="Neighbourhood Officer")


def course_deleted(org, hr, tmp_path, capture):
    TrainingRecord.objects.filter(course__code="SHUK-HATE").delete()
    Course.objects.filter(code="SHUK-HATE").delete()


def team_renamed(org, hr, tmp_path, capture):
    Team.objects.filter(pk=org.south.pk).update(name="South and East")


def training_deleted(org, hr, tmp_path, capture):
    TrainingRecord.objects.filter(colleague=org.people["S1"], course__code="HC-REFRESHER").delete()


def raw_sql_insert(org, hr, tmp_path, capture):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO training_trainingrecord (colleague_id, course_id, completed_on, provider, certificate,"
            " notes, source, created_at) VALUES (%s, %s, %s, '', '', '', 'import', now())",
            [_id(org, "N1"), Course.objects.get(code="HC-REFRESHER").pk, D("2026-05-30")],
        )


def copy_into_the_table(org, hr, tmp_path, capture):
    course = Course.objects.get(code="BTEC2-CSC").pk
    with connection.cursor() as cursor:
        copy_sql = (
            "COPY training_trainingrecord (colleague_id, course_id, completed_on, provider, certificate,"
            " notes, source, created_at) FROM STDIN"
        )
        with cursor.cursor.copy(copy_sql) as copy:
            copy.write_row(
                (_id(org, "S2"), course, D("2026-05-30"), "", "", "", "import", "2026-05-30T10:00Z")
            )


def bulk_create_records(org, hr, tmp_path, capture):
    course = Course.objects.get(code="HC-REFRESHER")
    TrainingRecord.objects.bulk_create(
        TrainingRecord(colleague=org.people[n], course=course, completed_on=D("2026-05-25"))
        for n in ("N1", "N3")
    )


def waiver_saved(org, hr, tmp_path, capture):
    Waiver.objects.create(
        colleague=org.people["S2"],
        requirement=Requirement.objects.get(code="HATE-REFRESHER"),
        kind=WaiverKind.EXEMPTION,
        reason="Career break",
        approved_by="Head of HR",
        approved_on=D("2026-05-01"),
        starts_on=D("2026-05-01"),
    )


WRITE_PATHS = [
    WritePath("command-line training import", frozenset({"training_trainingrecord"}), cli_import_training),
    WritePath(
        "web training import (the worker)",
        frozenset({"training_trainingrecord"}),
        web_import_training_by_the_worker,
    ),
    WritePath(
        "command-line colleague import: a role change",
        frozenset({"people_colleague", "people_roleassignment"}),
        cli_import_colleagues_role_change,
    ),
    WritePath("admin: a colleague leaves", frozenset({"people_colleague"}), admin_edit_colleague_leaver),
    WritePath("admin: a training record", frozenset({"training_trainingrecord"}), admin_add_training_record),
    WritePath("admin: a waiver (extension)", frozenset({"compliance_waiver"}), admin_add_waiver),
    WritePath(
        "admin: an equivalence",
        frozenset({"training_course", "training_equivalence", "training_trainingrecord"}),
        admin_add_equivalence,
    ),
    WritePath(
        "attendance marked on a session",
        frozenset({"training_trainingrecord"}),
        attendance_marked_on_a_session,
    ),
    WritePath("role change", frozenset({"people_roleassignment"}), role_change_saved),
    WritePath("leaver by queryset update()", frozenset({"people_colleague"}), leaver_by_queryset_update),
    WritePath(
        "requirement changed by update()", frozenset({"compliance_requirement"}), requirement_change_by_update
    ),
    WritePath("requirement's roles", frozenset({"compliance_requirement_roles"}), requirement_roles_changed),
    WritePath(
        "requirement's courses", frozenset({"compliance_requirement_courses"}), requirement_courses_changed
    ),
    WritePath("requirement's gates", frozenset({"compliance_requirement_gates"}), requirement_gates_changed),
    WritePath("case type's roles", frozenset({"compliance_casetype_roles"}), case_type_roles_changed),
    WritePath("role renamed", frozenset({"people_role"}), role_renamed),
    WritePath("case type renamed", frozenset({"compliance_casetype"}), case_type_renamed),
    WritePath("course deleted", frozenset({"training_course", "training_trainingrecord"}), course_deleted),
    WritePath("team renamed", frozenset({"people_team"}), team_renamed),
    WritePath("training record deleted", frozenset({"training_trainingrecord"}), training_deleted),
    WritePath("raw SQL INSERT", frozenset({"training_trainingrecord"}), raw_sql_insert),
    WritePath("COPY", frozenset({"training_trainingrecord"}), copy_into_the_table),
    WritePath("bulk_create", frozenset({"training_trainingrecord"}), bulk_create_records),
    WritePath("waiver saved (exemption)", frozenset({"compliance_waiver"}), waiver_saved),
]


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def _latest_batch():
    from imports.models import ImportBatch

    return ImportBatch.objects.order_by("-pk").first()


# ---------------------------------------------------------------- what each reader says


def engine_statuses(day):
    return {
        (c.facts.employee_number, s.code): (s.status, s.due_date, s.valid_until)
        for c in compliance_on(Colleague.objects.all(), day)
        for s in c.statuses
    }


def engine_answers(day):
    """Statuses and eligibility: a test write must move one of them, or it tests nothing."""
    numbers = list(Colleague.objects.values_list("employee_number", flat=True))
    eligible = {
        (a.employee_number, a.eligible, a.supervision_required)
        for a in eligibility_for(numbers, "hate_crime", day)
    }
    return engine_statuses(day), eligible


def export_statuses(hr):
    response = hr.get("/overdue/export.csv", {"status": "any"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {
        (row["employee_number"], row["requirement"]): (
            row["status"],
            D(row["due_date"]) if row["due_date"] else None,
            D(row["valid_until"]) if row["valid_until"] else None,
        )
        for row in csv.DictReader(io.StringIO(text))
    }


def counts(figures):
    return (
        {code: c.as_tuple() for code, c in figures.totals.items()},
        {
            code: (c.officers, c.eligible, c.supervised, *c.later)
            for code, c in figures.eligibility_totals.items()
        },
        figures.people_overdue,
        figures.people_due_soon,
    )


def assert_every_reader_agrees_with_the_engine(hr, api, scope_everyone):
    truth = engine_statuses(TODAY)
    # The overdue list's export (the list's rows, every status).
    assert export_statuses(hr) == truth
    # The list page itself counts the same rows.
    page = hr.get("/overdue/", {"status": "any"})
    assert page.status_code == 200
    assert page.context["changes_waiting"] in (None, False) or not page.context["changes_waiting"]
    # The dashboard's figures, from the stored summary, equal the engine's worked out now.
    dashboard = hr.get("/")
    assert dashboard.context["figures"].source == "summary"
    assert counts(dashboard.context["figures"]) == counts(live_figures(scope_everyone, TODAY))
    # The matrix and every colleague page (the engine, live).
    matrix = hr.get("/matrix/")
    assert matrix.status_code == 200
    for number, status_due in _by_colleague(truth).items():
        page = hr.get(reverse("dashboard:colleague", args=[number]))
        shown = {
            (number, line.code): (line.status.status, line.status.due_date, line.status.valid_until)
            for line in page.context["record"].requirements
        }
        assert shown == status_due, number
    # The KPI page answers (its figures are the engine's on the quarter's days).
    assert hr.get("/kpi/").status_code == 200
    # The API, for every officer it admits.
    listed = api.get("/api/v1/eligibility/", {"case_type": "hate_crime", "page_size": 500}).json()["results"]
    for answer in listed:
        (engine_answer,) = eligibility_for([answer["employee_number"]], "hate_crime", TODAY)
        assert (answer["eligible"], answer["supervision_required"], answer["eligible_until"]) == (
            engine_answer.eligible,
            engine_answer.supervision_required,
            engine_answer.eligible_until.isoformat() if engine_answer.eligible_until else None,
        ), answer["employee_number"]
    # Reminder candidates: those the engine's statuses give a reminder today.
    expected = sorted(
        c.facts.colleague_id
        for c in compliance_on(Colleague.objects.exclude(email=""), TODAY)
        if reminders_due(c, TODAY, 3)
    )
    assert reminder_candidates(day=TODAY) == expected


def _by_colleague(truth):
    out: dict[str, dict] = {}
    for (number, code), value in truth.items():
        out.setdefault(number, {})[(number, code)] = value
    return out


@pytest.fixture
def org(reference):
    with time_machine.travel(NOW, tick=False):
        yield build_org()


@pytest.fixture
def readers(org):
    from dashboard.access import scope_for

    hr = Client()
    hr.force_login(org.users["hr"])
    org.users["hr"].is_staff = org.users["hr"].is_superuser = True
    org.users["hr"].save()
    _, token = api_client_issue(name="case-system")
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    return hr, api, scope_for(org.users["hr"])


@pytest.mark.parametrize("path", WRITE_PATHS, ids=lambda p: p.name)
def test_after_each_write_every_reader_agrees_with_the_engine(
    path, org, readers, tmp_path, django_capture_on_commit_callbacks
):
    hr, api, scope = readers
    changes_drain()
    summary_rebuild(day=TODAY)
    before = engine_answers(TODAY)
    path.write(org, hr, tmp_path, django_capture_on_commit_callbacks)
    assert engine_answers(TODAY) != before or path.name in NO_STATUS_CHANGE, "the write changed nothing"
    assert_every_reader_agrees_with_the_engine(hr, api, scope)


# Writes whose effect is on names or rows, not on statuses.
NO_STATUS_CHANGE = {"team renamed", "role renamed", "case type renamed"}


def test_every_watched_table_has_a_write_path(db):
    covered = set().union(*(p.tables for p in WRITE_PATHS))
    assert {w.table for w in WATCHED} - covered == set()
