"""Migrations must be safe to run while the old version still serves traffic (README, "Upgrading").

django-migration-linter reads the SQL each migration runs on PostgreSQL and
flags what locks a table or breaks the old code: a NOT NULL column without a
database default, a column type change, an index built without CONCURRENTLY
on an existing table, a dropped or renamed column or table, a new unique
constraint, an irreversible data migration. Every finding must be in REVIEWED
(tests/migrations_reviewed.py), with the reason it was accepted (for the large tables, with the lock
time `benchmarks/migrations.py` measured on 20,000 colleagues); so a new
migration that does one of these fails CI until someone has looked at it and
either made it safe or said why it is.
"""

from pathlib import Path

import pytest
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django_migration_linter import MigrationLinter
from django_migration_linter.sql_analyser import PostgresqlAnalyser, analyse_sql_statements

from tests.migrations_reviewed import REVIEWED

ROOT = Path(__file__).resolve().parent.parent


def _project_migrations(loader: MigrationLoader) -> list:
    """This project's own migrations (not Django's or a library's), in a fixed order."""
    own = []
    for key, migration in loader.disk_migrations.items():
        path = Path(__import__(migration.__module__, fromlist=["_"]).__file__).resolve()
        if path.is_relative_to(ROOT) and ".venv" not in path.parts:
            own.append((key, migration))
    return sorted(own)


def _sql_lines(migration, state) -> list[str]:
    """The SQL the migration runs on PostgreSQL, line by line as `sqlmigrate` prints it."""
    with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
        migration.apply(state, editor, collect_sql=True)
    lines = "\n".join(editor.collected_sql).splitlines()
    return ["BEGIN;", *lines, "COMMIT;"] if migration.atomic else lines


def findings(migration, state, linter: MigrationLinter) -> dict[str, list[str]]:
    """The linter's codes for one migration, each with the tables it names (when it names one)."""
    errors, _, warnings = analyse_sql_statements(PostgresqlAnalyser, _sql_lines(migration, state))
    data_errors, _, data_warnings = linter.analyse_data_migration(migration)
    found: dict[str, list[str]] = {}
    for issue in errors + warnings + data_errors + data_warnings:
        found.setdefault(issue.code, [])
        if issue.table:
            found[issue.code].append(issue.table)
    return found


@pytest.fixture
def linter(db):
    assert connection.vendor == "postgresql"
    return MigrationLinter(no_cache=True, no_output=True)


def test_every_risky_migration_was_reviewed(linter):
    loader = linter.migration_loader
    unreviewed = {}
    seen = set()
    for key, migration in _project_migrations(loader):
        seen.add(key)
        state = loader.project_state(key, at_end=False)
        codes = set(findings(migration, state, linter))
        new = codes - set(REVIEWED.get(key, {}))
        if new:
            unreviewed[key] = sorted(new)
    assert not unreviewed, (
        f"migrations that lock a table or break the version still serving: {unreviewed}. "
        "Make them safe (README, 'Upgrading'), or add them to REVIEWED with the reason."
    )
    assert set(REVIEWED) <= seen, f"REVIEWED names migrations that do not exist: {set(REVIEWED) - seen}"


def _latest_state(loader: MigrationLoader):
    return loader.project_state(tuple(sorted(loader.graph.leaf_nodes())))


@pytest.mark.parametrize(
    ("operation", "code"),
    [
        # A NOT NULL column with a default Django fills in and then drops: the old code's INSERTs fail.
        (
            migrations.AddField("colleague", "grade", models.CharField(max_length=10, default="A")),
            "NOT_NULL",
        ),
        # A column type change rewrites the table under ACCESS EXCLUSIVE.
        (
            migrations.AlterField("trainingrecord", "notes", models.CharField(max_length=50, blank=True)),
            "ALTER_COLUMN",
        ),
        # A plain CREATE INDEX holds a SHARE lock: no writes to the table until it is built.
        (
            migrations.AddIndex("trainingrecord", models.Index(fields=["provider"], name="tr_provider_idx")),
            "CREATE_INDEX",
        ),
    ],
    ids=["add-not-null-with-default", "alter-type", "add-index-not-concurrently"],
)
def test_a_new_unsafe_migration_on_a_large_table_is_flagged(linter, operation, code):
    app = "people" if operation.model_name == "colleague" else "training"
    migration = type("Migration", (migrations.Migration,), {"operations": [operation]})("9999_new", app)
    found = findings(migration, _latest_state(linter.migration_loader), linter)
    assert code in found, found
    assert (app, "9999_new") not in REVIEWED  # so test_every_risky_migration_was_reviewed would fail


def test_the_safe_ways_pass(transactional_db, linter):
    """What README's 'Upgrading' recommends instead: a nullable column, an index built CONCURRENTLY."""
    from django.contrib.postgres.operations import AddIndexConcurrently

    safe = type(
        "Migration",
        (migrations.Migration,),
        {
            "atomic": False,
            "operations": [
                migrations.AddField("trainingrecord", "grade", models.CharField(max_length=10, null=True)),
                AddIndexConcurrently(
                    "trainingrecord", models.Index(fields=["provider"], name="tr_provider_idx")
                ),
            ],
        },
    )("9999_safe", "training")
    assert findings(safe, _latest_state(linter.migration_loader), linter) == {}
