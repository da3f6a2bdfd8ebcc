"""Property: whatever sequence of writes, through whichever door, one drain leaves the summary equal to the engine."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.changes import changes_drain
from compliance.enums import WaiverKind
from compliance.models import Requirement, Waiver
from compliance.selectors import compliance_on
from dashboard.models import StatusSummary
from dashboard.services import summary_rebuild
from people.models import Colleague, Role, RoleAssignment
from tests.organisation import NOW, TODAY, build_org
from training.models import Course, TrainingRecord

pytestmark = pytest.mark.django_db

PEOPLE = ["N1", "N2", "N3", "N4", "S1", "S2"]
COURSES = ["BTEC2-CSC", "BTEC3-CSCNM", "HC-REFRESHER", "SHUK-HATE"]
days = st.dates(min_value=dt.date(2018, 1, 1), max_value=TODAY)


def _colleague(number):
    return Colleague.objects.get(employee_number=number)


def add_record(number, course, day):
    TrainingRecord.objects.get_or_create(
        colleague=_colleague(number), course=Course.objects.get(code=course), completed_on=day
    )


def add_record_raw_sql(number, course, day):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO training_trainingrecord (colleague_id, course_id, completed_on, provider, certificate,"
            " notes, source, created_at) SELECT c.id, k.id, %s, '', '', '', 'import', now()"
            " FROM people_colleague c, training_course k WHERE c.employee_number = %s AND k.code = %s"
            " ON CONFLICT DO NOTHING",
            [day, number, course],
        )


def delete_records(number, course, day):
    TrainingRecord.objects.filter(colleague__employee_number=number, course__code=course).delete()


def leave(number, course, day):
    colleague = _colleague(number)
    Colleague.objects.filter(pk=colleague.pk).update(leaving_date=max(day, colleague.start_date))


def change_role(number, course, day):
    colleague = _colleague(number)
    role = "CSO" if colleague.role_assignments.order_by("-started_on").first().role.code != "CSO" else "NHO"
    if not colleague.role_assignments.filter(started_on=day).exists():
        RoleAssignment.objects.create(colleague=colleague, role=Role.objects.get(code=role), started_on=day)


def exempt(number, course, day):
    Waiver.objects.create(
        colleague=_colleague(number),
        requirement=Requirement.objects.get(code="HATE-REFRESHER"),
        kind=WaiverKind.EXEMPTION,
        reason="Career break",
        approved_by="HR",
        approved_on=day,
        starts_on=day,
    )


def recurrence(number, course, day):
    Requirement.objects.filter(code="HATE-REFRESHER").update(recurrence_months=12 + day.month)


WRITES = [add_record, add_record_raw_sql, delete_records, leave, change_role, exempt, recurrence]
writes = st.lists(
    st.tuples(st.sampled_from(WRITES), st.sampled_from(PEOPLE), st.sampled_from(COURSES), days),
    min_size=1,
    max_size=6,
)


@pytest.fixture
def built(reference):
    with time_machine.travel(NOW, tick=False):
        build_org()
        summary_rebuild(day=TODAY)
        changes_drain()
        yield


@given(sequence=writes)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_after_any_writes_one_drain_leaves_the_summary_equal_to_the_engine(built, sequence):
    point = transaction.savepoint()
    try:
        for write, number, course, day in sequence:
            write(number, course, day)
        changes_drain()
        stored = {
            (row.employee_number, row.requirement_code): (row.status, row.due_date, row.valid_until)
            for row in StatusSummary.objects.all()
        }
        engine = {
            (c.facts.employee_number, s.code): (s.status, s.due_date, s.valid_until)
            for c in compliance_on(Colleague.objects.all(), TODAY)
            for s in c.statuses
        }
        assert stored == engine
    finally:
        transaction.savepoint_rollback(point)
