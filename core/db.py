"""Prepared statements for the few queries run hundreds of times a second (PostgreSQL)."""

from __future__ import annotations

from contextlib import contextmanager

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper


class PreparedCursor(psycopg.Cursor):
    """Binds parameters on the server and prepares every statement it runs.

    Django binds parameters client-side, so PostgreSQL plans each query
    afresh; for the eligibility lookup planning costs four times running
    it (measured: 1.9 ms against 0.4 ms). Prepared once per connection,
    with the generic plan the connection asks for (settings.py,
    `plan_cache_mode`), the plan is reused for every employee number.
    """

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


class _PreparedDebugWrapper(CursorDebugWrapper):
    """Logs the statement with its values in place, as Django's own cursor does.

    Django asks the driver for the last query, which a prepared statement
    does not keep; the log (and a test's captured queries) would read None.
    """

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return super(CursorDebugWrapper, self).execute(sql, params)


@contextmanager
def prepared_cursor():
    """A cursor on Django's connection whose statements are prepared; a plain one elsewhere.

    It takes part in Django's transactions, and in its query log, so query
    counts in tests include what runs here. Use it only for SQL whose plan
    does not depend on the values passed (arrays of numbers, ids): the plan
    is made once, for any values.
    """
    db = connections[DEFAULT_DB_ALIAS]  # once: each attribute of the `connection` proxy is a lookup
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            yield cursor
        return
    db.close_if_health_check_failed()
    db.ensure_connection()
    with db.wrap_database_errors:
        raw = PreparedCursor(db.connection)
    cursor = _PreparedDebugWrapper(raw, db) if db.queries_logged else db.make_cursor(raw)
    with cursor:
        yield cursor


def transaction_lock(key: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """Wait for the PostgreSQL advisory lock `key`, held until the current transaction ends.

    For work that reads, decides and writes, and must not run twice at once
    (two workers, two schedulers by mistake): the second waits, then reads what
    the first committed. SQLite, for development, has one writer at a time anyway.
    """
    db = connections[using]
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
