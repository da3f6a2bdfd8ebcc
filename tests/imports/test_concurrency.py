"""Two imports at the same moment cannot duplicate a record (PostgreSQL, two real transactions)."""

import threading

import psycopg
import pytest
from django.db import connection, connections

from imports import services
from imports.models import ImportBatch, ImportStatus
from imports.resources import SourceFile, TrainingRecordResource
from tests.factories import ColleagueFactory
from tests.imports.helpers import TRAINING_HEADER, csv_bytes
from training.models import Course, TrainingRecord

pytestmark = pytest.mark.django_db(transaction=True)


def file_of(colleagues):
    return csv_bytes(
        TRAINING_HEADER,
        [[c.employee_number, "SHUK-HATE", "2025-03-03", "Stop Hate UK", "", ""] for c in colleagues],
    )


def at_once(*contents):
    """Run one import per file, each in its own thread, connection and transaction, released together."""
    start = threading.Barrier(len(contents))
    batches, errors = [None] * len(contents), []

    def run(i, content):
        try:
            start.wait()
            batches[i] = (
                TrainingRecordResource()
                .import_data(SourceFile(content, f"f{i}.csv"), file_name=f"f{i}.csv")
                .batch
            )
        except Exception as e:  # surfaced by the assertion below, with the thread's error
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(contents)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    return batches


def test_overlapping_imports_at_once_create_each_record_once(org):
    people = ColleagueFactory.create_batch(40, role="NHO")
    first, second = at_once(file_of(people[:30]), file_of(people[10:]))
    assert TrainingRecord.objects.count() == 40
    # One ran after the other had committed (the import lock), so it found the overlap of 20 unchanged.
    assert first.created + second.created == 40
    assert sorted([first.unchanged, second.unchanged]) == [0, 20]
    assert {first.status, second.status} == {ImportStatus.DONE}


def test_without_the_lock_the_unique_constraint_still_refuses_the_duplicate(org, monkeypatch):
    """Both imports check the same empty table before either writes: the database has the last word."""
    people = ColleagueFactory.create_batch(5, role="NHO")
    checked = threading.Barrier(2)
    load = services.training_lookups_load

    def load_then_wait(table):
        lookups = load(table)
        checked.wait(30)
        return lookups

    monkeypatch.setattr(services.BulkWriter, "lock", lambda self: None)
    monkeypatch.setattr(services, "training_lookups_load", load_then_wait)
    batches = at_once(file_of(people), file_of(people))
    assert TrainingRecord.objects.count() == 5
    assert sorted(b.status for b in batches) == [ImportStatus.DONE, ImportStatus.REJECTED]
    [lost] = [b for b in batches if b.status == ImportStatus.REJECTED]
    assert lost.problem_lines == [f"row 1: file: {services.RACE}"]
    assert (lost.created, lost.updated, lost.unchanged) == (0, 0, 0)
    assert TrainingRecord.objects.filter(import_batch_id=lost.pk).count() == 0
    assert ImportBatch.objects.filter(status=ImportStatus.DONE).count() == 1


def test_the_database_makes_a_second_transaction_wait_then_refuses_its_copy(org):
    colleague = ColleagueFactory(role="NHO")
    course = Course.objects.get(code="SHUK-HATE")
    s = connection.settings_dict
    dsn = f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} user={s['USER'] or 'postgres'} dbname={s['NAME']}"
    insert = (
        "INSERT INTO training_trainingrecord (colleague_id, course_id, completed_on, provider, certificate, notes, "
        "source, created_at) VALUES (%s, %s, '2025-03-03', '', '', '', 'import', now())"
    )
    outcome = []
    with psycopg.connect(dsn) as one, psycopg.connect(dsn) as two:
        one.execute(insert, [colleague.pk, course.pk])  # uncommitted

        def second():
            try:
                two.execute(insert, [colleague.pk, course.pk])  # waits for `one`
                two.commit()
                outcome.append("inserted")
            except psycopg.errors.UniqueViolation:
                two.rollback()
                outcome.append("refused")

        waiter = threading.Thread(target=second)
        waiter.start()
        waiter.join(1)
        assert waiter.is_alive()  # still waiting on the first transaction's row
        one.commit()
        waiter.join(30)
    assert outcome == ["refused"]
    assert TrainingRecord.objects.filter(colleague=colleague).count() == 1
