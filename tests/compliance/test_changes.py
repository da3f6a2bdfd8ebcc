"""The change hub: triggers record who a write affects, in the writer's transaction; one drain applies it."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compliance import changes
from compliance.changes import WATCHED, ChangeSet, changes_bring_current, changes_drain, changes_waiting
from compliance.models import Change, Requirement
from compliance.selectors import catalogue_load, colleague_facts
from dashboard.models import StatusSummary
from dashboard.services import summary_rebuild
from people.models import Colleague
from tests.factories import ColleagueFactory, TeamFactory, record
from training.models import Course, TrainingRecord

pytestmark = pytest.mark.django_db


def waiting_ids():
    return set(Change.objects.exclude(colleague_id=None).values_list("colleague_id", flat=True))


def test_every_table_the_engine_reads_is_watched(reference):
    """Read the loaders' own SQL: a table added to them without a trigger fails here."""
    ColleagueFactory(role="NHO")
    with CaptureQueriesContext(connection) as ctx:
        catalogue_load()
        colleague_facts(Colleague.objects.all())
    read = set()
    for query in ctx.captured_queries:
        read |= set(re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"]))
    assert read - {w.table for w in WATCHED} == set()


def test_every_watched_table_has_its_three_triggers(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE tgname LIKE 'compliance_change_%'"
        )
        installed = set(cursor.fetchall())
    expected = {
        (w.table, f"compliance_change_{op}") for w in WATCHED for op in ("insert", "update", "delete")
    }
    assert installed == expected


def test_installing_again_changes_nothing_and_takes_no_lock(db):
    assert changes.triggers_install() is False


def test_writes_of_every_kind_are_recorded_for_their_colleagues(reference):
    a, b = ColleagueFactory(role="NHO"), ColleagueFactory(role="NHO")
    Change.objects.all().delete()
    course = Course.objects.get(code="HC-REFRESHER")
    # A bulk_create and a queryset update send no Django signal.
    TrainingRecord.objects.bulk_create(
        [TrainingRecord(colleague=a, course=course, completed_on="2026-01-05")]
    )
    assert waiting_ids() == {a.pk}
    Colleague.objects.filter(pk=b.pk).update(leaving_date="2026-03-01")
    assert waiting_ids() == {a.pk, b.pk}
    Change.objects.all().delete()
    # Raw SQL, and a delete.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE training_trainingrecord SET notes = 'moved' WHERE colleague_id = %s", [a.pk])
    TrainingRecord.objects.filter(colleague=a).delete()
    assert set(Change.objects.values_list("colleague_id", "source")) == {(a.pk, "training_trainingrecord")}


def test_a_statement_touching_many_rows_records_each_colleague_once(reference):
    people = [ColleagueFactory(role="NHO") for _ in range(3)]
    Change.objects.all().delete()
    course = Course.objects.get(code="HC-REFRESHER")
    TrainingRecord.objects.bulk_create(
        TrainingRecord(colleague=p, course=course, completed_on=f"2025-0{m}-01")
        for p in people
        for m in (1, 2, 3)
    )
    assert sorted(Change.objects.values_list("colleague_id", flat=True)) == sorted(p.pk for p in people)


def test_a_team_renamed_records_its_members_and_the_catalogue_records_everyone(reference):
    team = TeamFactory(name="East")
    members = {ColleagueFactory(team=team).pk, ColleagueFactory(team=team).pk}
    ColleagueFactory()  # in no team
    Change.objects.all().delete()
    team.name = "East and Coast"
    team.save()
    assert waiting_ids() == members
    Requirement.objects.filter(code="BTEC-L2").update(first_due_months=18)
    assert changes_waiting().everyone


def test_a_rolled_back_write_leaves_nothing(reference):
    a = ColleagueFactory(role="NHO")
    Change.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        record(a, "HC-REFRESHER", "2026-01-05")
        raise RuntimeError("the import failed")
    assert not Change.objects.exists()


def test_the_drain_hands_every_subscriber_one_set_and_empties_the_table(reference, monkeypatch):
    seen = []
    monkeypatch.setattr(changes, "_subscribers", [("spy", seen.append)])
    a, b = ColleagueFactory(role="NHO"), ColleagueFactory(role="CSO")
    assert changes_drain() == ChangeSet(colleague_ids=frozenset({a.pk, b.pk}), everyone=True)
    assert seen == [ChangeSet(colleague_ids=frozenset({a.pk, b.pk}), everyone=True)]
    assert not Change.objects.exists()
    assert changes_drain() == ChangeSet()
    assert len(seen) == 1  # nothing waiting: nobody is called


def test_a_failing_subscriber_loses_nothing_and_shows_on_readyz(reference, monkeypatch, client):
    from django.core.cache import cache

    cache.clear()
    a = ColleagueFactory(role="NHO")
    waiting = Change.objects.count()

    def broken(changes_):
        StatusSummary.objects.all().delete()  # a write the rollback must undo, too
        raise RuntimeError("summary table locked")

    monkeypatch.setattr(changes, "_subscribers", [("broken", broken)])
    with pytest.raises(RuntimeError):
        changes_drain()
    assert Change.objects.count() == waiting
    body = client.get("/readyz").json()
    assert body["status"] == "degraded"
    assert "RuntimeError: summary table locked" in body["checks"]["changes"]
    # The next drain, with the fault gone, applies it and clears the report.
    monkeypatch.setattr(changes, "_subscribers", [])
    assert a.pk in changes_drain().colleague_ids
    assert client.get("/readyz").json()["checks"]["changes"] == "ok"


def test_a_reader_applies_a_few_changes_itself_and_leaves_many_to_the_worker(reference, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"  # a worker exists: large sets are its job
    settings.CHANGES_READER_LIMIT = 2
    ColleagueFactory(role="NHO")
    changes_drain()
    summary_rebuild(day=timezone.localdate())
    a = ColleagueFactory(role="NHO")
    assert not changes_bring_current()
    assert StatusSummary.objects.filter(colleague=a).exists()
    more = [ColleagueFactory(role="NHO") for _ in range(3)]
    waiting = changes_bring_current()
    assert (waiting.colleagues, waiting.everyone) == (3, False)
    assert not StatusSummary.objects.filter(colleague__in=more).exists()
    Requirement.objects.filter(code="BTEC-L2").update(name="BTEC level 2")
    assert changes_bring_current().everyone


def test_without_a_broker_a_reader_applies_everything(reference, settings):
    settings.CELERY_BROKER_URL = ""
    settings.CHANGES_READER_LIMIT = 2
    for _ in range(3):
        ColleagueFactory(role="NHO")
    Requirement.objects.filter(code="BTEC-L2").update(name="BTEC level 2")
    assert not changes_bring_current()
    assert not Change.objects.exists()
