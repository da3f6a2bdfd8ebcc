"""One change hub: the data says which colleagues' answers may have moved, and one drain tells everyone.

Derived state (the dashboard's stored summary, the case system's webhook
events, the catalogue cached by each process) must follow every write to the
records an answer depends on. Writers are many and will grow: the admin, the
HR pages, the COPY import, `bulk_create`, `update`, raw SQL, next year's
feature. So nobody is asked to remember: database triggers on every table in
`WATCHED` write the affected colleague ids into `compliance_change`, in the
writer's own transaction (a rolled-back write leaves nothing; a committed one
cannot be missed). On PostgreSQL they are statement-level triggers over the
statement's transition tables, so an import of 100,000 rows adds one
`INSERT ... SELECT DISTINCT` rather than 100,000 trigger calls; on SQLite (a
developer's laptop) they are plain row triggers.

`changes_drain` takes waiting rows (DELETE ... RETURNING, skipping rows another
drain holds) and calls every subscriber with the set, in one transaction: a
subscriber that fails rolls the rows back, so the change is retried, never
lost. It runs on the worker every CHANGES_DRAIN_SECONDS (beat) and in a
request that reads derived figures while few changes wait
(`changes_bring_current`), so a page read after a write shows that write.

TRUNCATE is not watched: Django's test flush truncates every table at once,
the change table included, and no writer of the app truncates; the nightly
rebuild is the safety net for anything else.
"""

# ruff: noqa: S608 - the SQL here is built from table names in the model declarations, never from input

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

CHANGE_TABLE = "compliance_change"
FAILURE_CACHE_KEY = "compliance-changes-failure"

# How a watched row names the colleagues it affects.
BY_ID = "id"  # the row is the colleague
BY_COLLEAGUE = "colleague_id"  # the row belongs to one colleague
BY_TEAM = "team"  # the row is a team: its members (their rows carry its name)
EVERYONE = "everyone"  # the catalogue: anyone's answer may move


@dataclass(frozen=True)
class Watched:
    """A table an answer depends on: a model (`app.Model`) or a many-to-many (`app.Model.field`)."""

    name: str
    by: str

    @property
    def table(self) -> str:
        app_model, _, m2m = self.name.partition(".")[2].partition(".")
        model = apps.get_model(self.name.split(".")[0], app_model)
        if m2m:
            return model._meta.get_field(m2m).remote_field.through._meta.db_table
        return model._meta.db_table


# Every table `selectors.catalogue_load` and `selectors.colleague_facts` read: a
# test (tests/compliance/test_changes.py) reads their SQL and fails on a table missing here.
WATCHED: tuple[Watched, ...] = (
    Watched("people.Colleague", BY_ID),
    Watched("people.RoleAssignment", BY_COLLEAGUE),
    Watched("training.TrainingRecord", BY_COLLEAGUE),
    Watched("compliance.Waiver", BY_COLLEAGUE),
    Watched("people.Team", BY_TEAM),
    Watched("people.Role", EVERYONE),
    Watched("training.Course", EVERYONE),
    Watched("training.Equivalence", EVERYONE),
    Watched("compliance.Requirement", EVERYONE),
    Watched("compliance.Requirement.roles", EVERYONE),
    Watched("compliance.Requirement.courses", EVERYONE),
    Watched("compliance.Requirement.gates", EVERYONE),
    Watched("compliance.CaseType", EVERYONE),
    Watched("compliance.CaseType.roles", EVERYONE),
)


@dataclass(frozen=True)
class ChangeSet:
    """Whose answers may have moved: these colleagues, or (`everyone`) anyone's."""

    colleague_ids: frozenset[int] = field(default_factory=frozenset)
    everyone: bool = False

    def __bool__(self) -> bool:
        return self.everyone or bool(self.colleague_ids)


Subscriber = Callable[[ChangeSet], None]
_subscribers: list[tuple[str, Subscriber]] = []


def subscribe(name: str, subscriber: Subscriber) -> None:
    """Call `subscriber` with every drained change set (apps subscribe in their `ready`)."""
    if all(existing != name for existing, _ in _subscribers):
        _subscribers.append((name, subscriber))


def subscribers() -> list[str]:
    return [name for name, _ in _subscribers]


# ---------------------------------------------------------------- triggers


def _pg_colleagues(watched: Watched, rows: str) -> str:
    """SELECT of the colleague ids the rows of transition table `rows` affect."""
    if watched.by == BY_ID:
        return f"SELECT id FROM {rows}"
    if watched.by == BY_COLLEAGUE:
        return f"SELECT colleague_id FROM {rows}"
    if watched.by == BY_TEAM:
        return f"SELECT c.id FROM people_colleague c JOIN {rows} t ON c.team_id = t.id"
    raise ValueError(watched.by)


def _pg_function(watched: Watched) -> tuple[str, str]:
    """(name, body) of the trigger function of one watched table."""
    name = f"{CHANGE_TABLE}_{watched.table}"[:63]
    if watched.by == EVERYONE:
        body = (
            f"INSERT INTO {CHANGE_TABLE} (colleague_id, everyone, source) VALUES (NULL, true, TG_TABLE_NAME);"
        )
    else:
        ins = f"INSERT INTO {CHANGE_TABLE} (colleague_id, everyone, source) SELECT DISTINCT x, false, TG_TABLE_NAME FROM ("
        body = (
            "IF TG_OP = 'INSERT' THEN "
            f"{ins}{_pg_colleagues(watched, 'new_rows')}) AS s(x) WHERE x IS NOT NULL; "
            "ELSIF TG_OP = 'UPDATE' THEN "
            f"{ins}{_pg_colleagues(watched, 'new_rows')} UNION {_pg_colleagues(watched, 'old_rows')}) AS s(x) "
            "WHERE x IS NOT NULL; "
            "ELSE "
            f"{ins}{_pg_colleagues(watched, 'old_rows')}) AS s(x) WHERE x IS NOT NULL; "
            "END IF;"
        )
    return name, f"BEGIN {body} RETURN NULL; END;"


def _pg_statements(watched: Watched) -> list[str]:
    function, body = _pg_function(watched)
    table = watched.table
    out = [f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $${body}$$"]
    for op, referencing in (
        ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
        ("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
    ):
        trigger = f"{CHANGE_TABLE}_{op.lower()}"
        out.append(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        out.append(
            f"CREATE TRIGGER {trigger} AFTER {op} ON {table} {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    return out


def _sqlite_statements(watched: Watched) -> list[str]:
    table = watched.table
    out = []
    for op, rows in (("INSERT", ("NEW",)), ("UPDATE", ("NEW", "OLD")), ("DELETE", ("OLD",))):
        trigger = f"{CHANGE_TABLE}_{table}_{op.lower()}"
        if watched.by == EVERYONE:
            inserts = [
                f"INSERT INTO {CHANGE_TABLE} (colleague_id, everyone, source) VALUES (NULL, 1, '{table}');"
            ]
        elif watched.by == BY_TEAM:
            inserts = [
                f"INSERT INTO {CHANGE_TABLE} (colleague_id, everyone, source) "
                f"SELECT id, 0, '{table}' FROM people_colleague WHERE team_id = {row}.id;"
                for row in rows
            ]
        else:
            inserts = [
                f"INSERT INTO {CHANGE_TABLE} (colleague_id, everyone, source) "
                f"VALUES ({row}.{watched.by}, 0, '{table}');"
                for row in rows
            ]
        out.append(f"DROP TRIGGER IF EXISTS {trigger}")
        out.append(
            f"CREATE TRIGGER {trigger} AFTER {op} ON {table} FOR EACH ROW BEGIN {' '.join(inserts)} END"
        )
    return out


def trigger_statements(vendor: str) -> list[str]:
    make = _pg_statements if vendor == "postgresql" else _sqlite_statements
    return [statement for watched in WATCHED for statement in make(watched)]


def _fingerprint(statements: list[str]) -> str:
    return hashlib.sha256("\n".join(statements).encode()).hexdigest()[:16]


def triggers_install(using: str = "default", **kwargs) -> bool:
    """Create (or replace) the triggers of every watched table, unless they are in place already.

    Run after every `migrate` (post_migrate), so the triggers always match
    `WATCHED` and a table added to it is covered on the next deploy. The
    fingerprint of what was installed is kept on the change table, so an
    unchanged declaration takes no table lock.
    """
    from django.db import connections

    conn = connections[using]
    if CHANGE_TABLE not in conn.introspection.table_names():
        return False
    statements = trigger_statements(conn.vendor)
    fingerprint = _fingerprint(statements)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT obj_description(%s::regclass, 'pg_class')", [CHANGE_TABLE])
            if (cursor.fetchone() or [None])[0] == fingerprint:
                return False
        with transaction.atomic(using=using):
            for statement in statements:
                cursor.execute(statement)
            if conn.vendor == "postgresql":
                cursor.execute(f"COMMENT ON TABLE {CHANGE_TABLE} IS '{fingerprint}'")
    return True


# ---------------------------------------------------------------- the drain


def _take(limit: int | None, skip_locked: bool) -> list[tuple[int | None, bool]]:
    """Remove waiting rows (up to `limit`) and return their (colleague id, everyone)."""
    limit_sql = "" if limit is None else f" LIMIT {int(limit)}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            lock = "FOR UPDATE SKIP LOCKED" if skip_locked else "FOR UPDATE"
            cursor.execute(
                f"DELETE FROM {CHANGE_TABLE} WHERE id IN "
                f"(SELECT id FROM {CHANGE_TABLE} ORDER BY id{limit_sql} {lock}) "
                "RETURNING colleague_id, everyone"
            )
        else:
            cursor.execute(
                f"DELETE FROM {CHANGE_TABLE} WHERE id IN (SELECT id FROM {CHANGE_TABLE} ORDER BY id{limit_sql}) "
                "RETURNING colleague_id, everyone"
            )
        return cursor.fetchall()


def changes_drain(*, limit: int | None = None, skip_locked: bool = True) -> ChangeSet:
    """Take waiting changes and tell every subscriber, all in one transaction.

    A subscriber that raises rolls the whole drain back (its rows wait for the
    next one) and is recorded for /readyz; the exception propagates.
    """
    try:
        with transaction.atomic():
            rows = _take(limit, skip_locked)
            if not rows:
                return ChangeSet()
            changes = ChangeSet(
                colleague_ids=frozenset(pk for pk, everyone in rows if pk is not None and not everyone),
                everyone=any(everyone for _, everyone in rows),
            )
            for _, subscriber in _subscribers:
                subscriber(changes)
    except Exception as exc:
        cache.set(FAILURE_CACHE_KEY, (timezone.now().isoformat(), f"{type(exc).__name__}: {exc}"[:500]), None)
        logger.exception("Applying changes failed; they wait for the next drain")
        raise
    cache.delete(FAILURE_CACHE_KEY)
    return changes


@dataclass(frozen=True)
class Waiting:
    """Changes not yet applied when a reader asked: for how many colleagues (or everyone)."""

    colleagues: int = 0
    everyone: bool = False

    def __bool__(self) -> bool:
        return self.everyone or self.colleagues > 0


def changes_waiting(limit: int | None = None) -> Waiting:
    """How many colleagues' changes wait (counted up to `limit`), in one query."""
    from django.db.models import F

    from .models import Change

    # NULL (everyone) first, so a limit never cuts it off.
    rows = (
        Change.objects.order_by(F("colleague_id").asc(nulls_first=True))
        .values_list("colleague_id", flat=True)
        .distinct()
    )
    ids = list(rows if limit is None else rows[:limit])
    return Waiting(colleagues=sum(1 for pk in ids if pk is not None), everyone=None in ids)


def changes_bring_current() -> Waiting:
    """For a reader of derived figures: apply waiting changes here when few, else say what waits.

    Nothing waiting (the usual case) costs one query. A few colleagues (at
    most CHANGES_READER_LIMIT) are brought up to date in the request, so the
    page shows the write its reader just made. More than that, or a change to
    the catalogue, is the worker's job (seconds, not a request's); the caller
    shows what is still being worked out rather than a silently stale figure.
    With no broker configured, tasks run in-process and so does all of this.
    """
    limit = settings.CHANGES_READER_LIMIT
    waiting = changes_waiting(limit + 1)
    if not waiting:
        return waiting
    # Without a broker (a laptop on SQLite) there is no worker to leave the rest to.
    if (waiting.everyone or waiting.colleagues > limit) and settings.CELERY_BROKER_URL:
        return waiting
    try:
        changes_drain()
    except Exception:
        return changes_waiting(limit + 1)
    # Rows another drain holds (a worker mid-way) or written meanwhile are still there.
    return changes_waiting(limit + 1)


def changes_health() -> tuple[bool, str]:
    """For /readyz: how much waits, for how long, and the last failure if the drain is failing."""
    from django.db.models import Count, Min

    from .models import Change

    figures = Change.objects.aggregate(n=Count("id"), oldest=Min("recorded_at"))
    failure = cache.get(FAILURE_CACHE_KEY)
    if failure:
        return False, f"failing since {failure[0]}: {failure[1]}; {figures['n']} changes waiting"
    if not figures["n"]:
        return True, "ok"
    age = (timezone.now() - figures["oldest"]).total_seconds()
    ok = age <= settings.CHANGES_STALE_SECONDS
    return ok, f"{figures['n']} changes waiting, oldest {int(age)} s"
