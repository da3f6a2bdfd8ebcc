"""Bulk writes with their history rows, in a fixed number of statements whatever the size.

On PostgreSQL new rows go in with COPY, their ids drawn from the table's
sequence first so that history rows and references within the file can name
them; updates go through a temporary table and one `UPDATE ... FROM ...
RETURNING`, whose returned rows become the history. Elsewhere (SQLite on a
developer's laptop) the same calls use bulk_create and bulk_update.

History rows are exactly what django-simple-history writes on save (every
tracked field, plus date, user, type and change reason), so each record's
History page in the admin shows the import as the cause of the change.
"""

import operator
import time
from collections.abc import Callable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Max
from django.utils import timezone

from core.db import copy_text, transaction_lock

# One import writes at a time (a transaction-scoped advisory lock): a second import
# waits, then checks its file against what the first wrote. The unique constraints
# remain the last word should anything else write the same records meanwhile.
IMPORT_LOCK = 7_305_826_011
PROGRESS_EVERY = 10_000
CREATED, UPDATED = "+", "~"


class BulkWriter:
    def __init__(self, *, batch, user_id: int | None, progress=None, using: str = DEFAULT_DB_ALIAS):
        self.batch_id = batch.pk
        self.reason = batch.change_reason
        self.user_id = user_id
        self.now = timezone.now()
        self.connection = connections[using]
        self.postgres = self.connection.vendor == "postgresql"
        self.progress = progress

    # ------------------------------------------------------------------ shapes

    @staticmethod
    def columns(model) -> list[str]:
        return [f.attname for f in model._meta.concrete_fields]

    def shape(self, model, given: Sequence[str], fixed: dict | None = None) -> Callable[[tuple], tuple]:
        """A function from the `given` values to a full row; other fields take `fixed` or their default."""
        fixed = {"import_batch_id": self.batch_id, **(fixed or {})}
        columns = self.columns(model)
        template = tuple(
            fixed[c] if c in fixed else model._meta.get_field(c).get_default()
            for c in columns
            if c not in given
        )
        rest = [c for c in columns if c not in given]
        picks = [given.index(c) if c in given else len(given) + rest.index(c) for c in columns]
        getter = operator.itemgetter(*picks)
        return lambda values: getter(values + template)

    # ------------------------------------------------------------------ statements

    def lock(self) -> None:
        transaction_lock(IMPORT_LOCK, using=self.connection.alias)

    def allocate_ids(self, model, count: int) -> list[int]:
        if not count:
            return []
        if self.postgres:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [model._meta.db_table, model._meta.pk.column, count],
                )
                return [row[0] for row in cursor.fetchall()]
        # SQLite runs one writer at a time, and these ids are used in the same transaction.
        top = model.objects.aggregate(top=Max("pk"))["top"] or 0
        return list(range(top + 1, top + 1 + count))

    def insert(self, model, rows: list[tuple], stage: str = "") -> None:
        """Full rows (every concrete field, in model order), and a "+" history row for each."""
        if not rows:
            return
        columns = self.columns(model)
        if self.postgres:
            self._copy(model._meta.db_table, columns, rows, stage)
        else:
            model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], 500)
        self._history(model, rows, CREATED)

    def update(self, model, fields: Sequence[str], rows: list[tuple]) -> list[tuple]:
        """Rows of (id, *fields); writes them and a "~" history row each; returns the full rows."""
        if not rows:
            return []
        columns = self.columns(model)
        if self.postgres:
            full = self._update_postgres(model, fields, rows, columns)
        else:
            names = [model._meta.get_field(f).name for f in fields]
            model.objects.bulk_update(
                [model(**dict(zip(["id", *fields], row, strict=True))) for row in rows], names, batch_size=500
            )
            ids = [row[0] for row in rows]
            full = [
                r
                for start in range(0, len(ids), 500)
                for r in model.objects.filter(pk__in=ids[start : start + 500]).values_list(*columns)
            ]
        self._history(model, full, UPDATED)
        return full

    def _history(self, model, rows: list[tuple], history_type: str) -> None:
        historical = model.history.model
        columns = self.columns(model)
        tracked = {f.attname for f in historical.tracked_fields}
        extra = {
            "history_date": self.now,
            "history_change_reason": self.reason,
            "history_type": history_type,
            "history_user_id": self.user_id,
        }
        history_columns = [f.attname for f in historical._meta.concrete_fields if not f.primary_key]
        tail_names = [c for c in history_columns if c not in tracked]
        tail = tuple(extra[c] for c in tail_names)
        picks = [
            columns.index(c) if c in tracked else len(columns) + tail_names.index(c) for c in history_columns
        ]
        getter = operator.itemgetter(*picks)
        history_rows = [getter(row + tail) for row in rows]
        if self.postgres:
            self._copy(historical._meta.db_table, history_columns, history_rows, "")
        else:
            historical.objects.bulk_create(
                [historical(**dict(zip(history_columns, row, strict=True))) for row in history_rows], 500
            )

    # ------------------------------------------------------------------ PostgreSQL

    def _copy(self, table: str, columns: list[str], rows: Sequence[tuple], stage: str) -> None:
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        started = time.perf_counter()
        total = len(rows)
        # psycopg's copy() sits outside Django's cursor wrapper: wrap its errors so a unique
        # constraint refusing a row is an IntegrityError like any other.
        with (
            self.connection.wrap_database_errors,
            self.connection.cursor() as cursor,
            cursor.cursor.copy(statement) as copy,
        ):
            for done in range(0, total, PROGRESS_EVERY):
                copy.write(copy_text(rows[done : done + PROGRESS_EVERY]))
                if stage and self.progress is not None:
                    self.progress(stage, min(done + PROGRESS_EVERY, total), total)
        self._log(f"COPY {table} ({', '.join(columns)}) FROM STDIN -- {total} rows", started)

    def _update_postgres(self, model, fields, rows, columns) -> list[tuple]:
        from psycopg import sql

        table = model._meta.db_table
        scratch = f"import_{table}"
        names = ["id", *fields]
        definitions = sql.SQL(", ").join(
            sql.SQL("{} {}").format(
                sql.Identifier(name), sql.SQL(model._meta.get_field(name).db_type(self.connection))
            )
            for name in names
        )
        with self.connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("CREATE TEMPORARY TABLE {} ({}) ON COMMIT DROP")
                .format(sql.Identifier(scratch), definitions)
                .as_string(cursor.cursor)
            )
        self._copy(scratch, names, rows, "")
        with self.connection.cursor() as cursor:
            statement = sql.SQL(
                "UPDATE {t} AS t SET {sets} FROM {s} AS s WHERE t.id = s.id RETURNING {cols}"
            ).format(
                t=sql.Identifier(table),
                s=sql.Identifier(scratch),
                sets=sql.SQL(", ").join(
                    sql.SQL("{} = s.{}").format(sql.Identifier(f), sql.Identifier(f)) for f in fields
                ),
                cols=sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in columns),
            )
            cursor.execute(statement.as_string(cursor.cursor))
            full = cursor.fetchall()
            cursor.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(scratch)).as_string(cursor.cursor))
        return full

    def _log(self, statement: str, started: float) -> None:
        """COPY bypasses Django's cursor wrapper; record it so query counts in tests and benchmarks include it."""
        if self.connection.queries_logged:
            self.connection.queries_log.append(
                {"sql": statement, "time": f"{time.perf_counter() - started:.3f}"}
            )
