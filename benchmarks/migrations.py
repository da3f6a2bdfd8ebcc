"""Migrations while the old version serves traffic: the locks they take on the 20,000-colleague data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hate_training_bench \\
        .venv/bin/python benchmarks/migrations.py [--lock-timeout-ms 2000] [--max-blocked-ms 500]

1. Builds (or reuses) the data set, then copies it to a scratch database
   (<name>_upgrade, dropped at the end), so rolling migrations back never
   touches the data set the other benchmarks use.
2. For each app, unapplies its latest migration (and what depends on it) and
   applies them all again, on a connection with `lock_timeout` set as README's
   upgrade procedure sets it.
3. Meanwhile two other processes play the old version serving traffic, one
   reading and one writing people_colleague and training_trainingrecord in a
   loop, and a third samples pg_locks every few milliseconds for the locks
   the migrating connection holds (or waits for) on the large tables.
4. Prints, for each migration and direction: its duration, the strongest lock
   it took on a large table and for how long, and the longest a concurrent
   read and write waited. Exits 1 if one waited longer than --max-blocked-ms.
5. Then what lock_timeout is for: a long transaction (a slow report) holds
   people_colleague while a migration needs it. The migration's lock request
   queues every later query behind it; with lock_timeout it gives up after
   that long and the traffic flows again (the upgrade is retried later), and
   without it the traffic waits for the whole report.
"""

import argparse
import multiprocessing
import random
import statistics
import sys
import threading
import time

import psycopg
from dataset import ensure_dataset
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import connection, connections, migrations, models
from django.db.migrations.executor import MigrationExecutor

from tests.migrations_reviewed import REVIEWED

LARGE_TABLES = [
    "people_colleague",
    "people_historicalcolleague",
    "people_roleassignment",
    "people_historicalroleassignment",
    "training_trainingrecord",
    "training_historicaltrainingrecord",
]
# Strongest first (PostgreSQL's table-level lock modes): the first four block writers, the first readers too.
LOCK_ORDER = [
    "AccessExclusiveLock",
    "ExclusiveLock",
    "ShareRowExclusiveLock",
    "ShareLock",
    "ShareUpdateExclusiveLock",
    "RowExclusiveLock",
    "RowShareLock",
    "AccessShareLock",
]
PROJECT_APPS = [
    "core",
    "imports",
    "people",
    "training",
    "policies",
    "compliance",
    "privacy",
    "programme",
    "reviews",
    "integrations",
    "reminders",
    "dashboard",
]
SAMPLE_SECONDS = 0.003


def conninfo(name: str) -> dict:
    s = connection.settings_dict
    return {
        "host": s["HOST"] or "127.0.0.1",
        "port": s["PORT"] or 5432,
        "user": s["USER"] or "postgres",
        "password": s["PASSWORD"] or None,
        "dbname": name,
    }


def traffic(info: dict, kind: str, ids: tuple[int, int], stop, out, ready) -> None:
    """The old version at work: short reads or writes on the large tables, each one timed."""
    rng = random.Random(kind)
    statements = {
        "read": [
            "SELECT id, employee_number, first_name, last_name FROM people_colleague WHERE id = %s",
            "SELECT count(*) FROM training_trainingrecord WHERE colleague_id = %s",
        ],
        "write": [
            "UPDATE people_colleague SET first_name = first_name WHERE id = %s",
            "UPDATE training_trainingrecord SET notes = notes WHERE colleague_id = %s",
        ],
    }[kind]
    samples = []
    with psycopg.connect(**info, autocommit=True) as conn:
        ready.put(kind)
        while not stop.is_set():
            for sql in statements:
                started = time.monotonic()
                conn.execute(sql, [rng.randint(*ids)])
                samples.append((started, time.monotonic() - started))
            time.sleep(0.002)
    out.put((kind, samples))


def watch(info: dict, pid: int, stop, out, ready) -> None:
    """Sample the locks backend `pid` holds or waits for on the large tables."""
    samples = []
    with psycopg.connect(**info, autocommit=True) as conn:
        ready.put("locks")
        while not stop.is_set():
            rows = conn.execute(
                "SELECT c.relname, l.mode, l.granted FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE l.pid = %s AND c.relname = ANY(%s)",
                [pid, LARGE_TABLES],
            ).fetchall()
            if rows:
                samples.append((time.monotonic(), rows))
            time.sleep(SAMPLE_SECONDS)
    out.put(("locks", samples))


class Observed:
    """The traffic and lock sampler processes, started around a run and read afterwards."""

    def __init__(self, info: dict, pid: int, ids: tuple[int, int]):
        ctx = multiprocessing.get_context("spawn")
        self.stop, self.out, self.ready = ctx.Event(), ctx.Queue(), ctx.Queue()
        self.procs = [
            ctx.Process(target=traffic, args=(info, "read", ids, self.stop, self.out, self.ready)),
            ctx.Process(target=traffic, args=(info, "write", ids, self.stop, self.out, self.ready)),
            ctx.Process(target=watch, args=(info, pid, self.stop, self.out, self.ready)),
        ]

    def __enter__(self):
        for p in self.procs:
            p.start()
        # Spawned processes import this module (and Django) first: wait until each is at work.
        for _ in self.procs:
            self.ready.get(timeout=120)
        time.sleep(0.5)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.results = dict(self.out.get(timeout=60) for _ in self.procs)
        for p in self.procs:
            p.join(10)


def run_migrations(targets, events: list, on_start=None) -> str:
    """Migrate to `targets`, noting when each migration starts and ends; '' or the error."""

    def progress(action, migration=None, fake=False):
        if migration is not None:
            events.append((time.monotonic(), action, f"{migration.app_label}.{migration.name}"))
            if on_start is not None and action.endswith("_start"):
                on_start()

    executor = MigrationExecutor(connection, progress)
    try:
        executor.migrate(targets)
    except Exception as exc:
        events.append((time.monotonic(), "failed", ""))
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return ""


def spans(events: list) -> list[tuple[str, str, float, float]]:
    """(migration, direction, start, end) from the progress events; a failed one ends at its error."""
    out, open_ = [], {}
    for t, action, name in events:
        verb, _, phase = action.partition("_")
        if phase == "start":
            open_[(verb, name)] = t
        elif (verb, name) in open_:
            out.append((name, "forwards" if verb == "apply" else "backwards", open_.pop((verb, name)), t))
        elif action == "failed":
            for (verb, name), started in open_.items():
                out.append((name, ("forwards" if verb == "apply" else "backwards") + " (failed)", started, t))
            open_ = {}
    return sorted(out, key=lambda s: s[2])


def report(span, results) -> dict:
    name, direction, start, end = span
    row = {"migration": name, "direction": direction, "ms": (end - start) * 1000}
    held: dict[tuple[str, str], list[float]] = {}
    for t, rows in results["locks"]:
        if start - SAMPLE_SECONDS <= t <= end + SAMPLE_SECONDS:
            for table, mode, granted in rows:
                held.setdefault((table, mode if granted else f"waiting for {mode}"), []).append(t)
    # The strongest mode that blocks writers; between tables, the one held longest.
    blocking = [
        (LOCK_ORDER.index(mode), -(max(times) - min(times) + SAMPLE_SECONDS) * 1000, table, mode)
        for (table, mode), times in held.items()
        if mode in LOCK_ORDER[:4]
    ]
    strongest = min(blocking, default=None)
    waiting = [k for k in held if k[1].startswith("waiting")]
    row["lock"] = f"{strongest[3]} on {strongest[2]}" if strongest else "none that blocks writes"
    row["lock_ms"] = -strongest[1] if strongest else 0.0
    row["waited_for_lock"] = ", ".join(sorted({f"{t} ({m})" for t, m in waiting}))
    for kind in ("read", "write"):
        during = [latency for t, latency in results[kind] if start <= t + latency and t <= end]
        row[f"{kind}_max_ms"] = max(during, default=0.0) * 1000
        row[f"{kind}_n"] = len(during)
    return row


def baseline(results) -> str:
    parts = []
    for kind in ("read", "write"):
        latencies = sorted(latency * 1000 for _, latency in results[kind])
        if latencies:
            parts.append(
                f"{kind}s {len(latencies)}, median {statistics.median(latencies):.1f} ms, "
                f"p99 {latencies[int(len(latencies) * 0.99) - 1]:.1f} ms"
            )
    return "; ".join(parts)


def print_rows(rows: list[dict]) -> None:
    print(
        f"{'migration':<48} {'direction':<20} {'ms':>7}  {'strongest lock on a large table':<58} "
        f"{'held ms':>8} {'read max':>9} {'write max':>9}"
    )
    for r in rows:
        print(
            f"{r['migration']:<48} {r['direction']:<20} {r['ms']:>7.0f}  {r['lock']:<58} "
            f"{r['lock_ms']:>8.0f} {r['read_max_ms']:>9.1f} {r['write_max_ms']:>9.1f}"
            + (f"  (waited for {r['waited_for_lock']})" if r["waited_for_lock"] else "")
            + (f"  {r['error']}" if r.get("error") else "")
        )


def set_lock_timeout(ms: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = {int(ms)}")
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def latest(app: str, loader) -> tuple[tuple[str, str], tuple[str, str | None]]:
    """An app's latest migration, and the target that unapplies it (its parent in the app, or zero)."""
    [leaf] = [n for n in loader.graph.leaf_nodes() if n[0] == app]
    parents = [p for p in loader.graph.node_map[leaf].parents if p[0] == app]
    return leaf, (app, parents[0][1] if parents else None)


def _release_when_waited_on(info: dict, pid: int, report_conn, seconds: float, done) -> None:
    """End the report `seconds` after backend `pid` starts waiting for a lock on people_colleague."""
    with psycopg.connect(**info, autocommit=True) as conn:
        while not done.is_set():
            waiting = conn.execute(
                "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE l.pid = %s AND NOT l.granted AND c.relname = 'people_colleague'",
                [pid],
            ).fetchone()
            if waiting:
                done.wait(seconds)
                break
            time.sleep(0.005)
    report_conn.commit()


def blocked_by_a_long_report(info, ids, lock_timeout_ms: int, report_seconds: float) -> list[dict]:
    """people 0002 backwards (DROP COLUMN needs ACCESS EXCLUSIVE) while a report holds people_colleague.

    The report still has `report_seconds` to run when the migration asks for
    the table, whatever the machine's load: how long does the traffic wait?
    """
    rows = []
    for timeout in (lock_timeout_ms, 0):
        pid = set_lock_timeout(timeout)
        leaf, back = latest("people", MigrationExecutor(connection).loader)
        report_conn = psycopg.connect(**info)
        report_conn.execute("SELECT count(*) FROM people_colleague")  # holds ACCESS SHARE until it ends
        events: list = []
        with Observed(info, pid, ids) as seen:
            done = threading.Event()
            releaser = threading.Thread(
                target=_release_when_waited_on, args=(info, pid, report_conn, report_seconds, done)
            )
            releaser.start()
            error = run_migrations([back], events)
            done.set()
            releaser.join()
        report_conn.close()
        for span in spans(events):
            row = report(span, seen.results)
            row["direction"] = f"{row['direction']}, lock_timeout {timeout or 'off'}"
            row["error"] = error
            rows.append(row)
        # Put it back for the next round (and the data set's next user).
        run_migrations([leaf], [])
    return rows


def the_safe_way(info: dict, ids: tuple[int, int]) -> list[dict]:
    """A nullable column on its own, then its index built CONCURRENTLY: what a new migration should do."""
    state = MigrationExecutor(connection).loader.project_state()
    column = migrations.AddField("colleague", "bench_grade", models.CharField(max_length=10, null=True))
    index = AddIndexConcurrently("colleague", models.Index(fields=["bench_grade"], name="bench_grade_idx"))
    steps = [("add a nullable column", column, True), ("add its index CONCURRENTLY", index, False)]
    rows, states = [], [state]
    pid = set_lock_timeout(2000)
    with Observed(info, pid, ids) as seen:
        marks = []
        for label, operation, atomic in steps:
            before, after = states[-1], states[-1].clone()
            operation.state_forwards("people", after)
            started = time.monotonic()
            with connection.schema_editor(atomic=atomic) as editor:
                operation.database_forwards("people", editor, before, after)
            marks.append((label, "forwards", started, time.monotonic()))
            states.append(after)
        for (_label, operation, atomic), before, after in reversed(
            list(zip(steps, states[:-1], states[1:], strict=True))
        ):
            with connection.schema_editor(atomic=atomic) as editor:
                operation.database_backwards("people", editor, after, before)
    for mark in marks:
        rows.append(report(mark, seen.results))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lock-timeout-ms", type=int, default=2000)
    parser.add_argument("--max-blocked-ms", type=float, default=1000)
    parser.add_argument("--report-seconds", type=float, default=5.0)
    args = parser.parse_args()

    built = ensure_dataset()
    from people.models import Colleague
    from training.models import TrainingRecord

    counts = (Colleague.objects.count(), TrainingRecord.objects.count())
    ids = (1, Colleague.objects.order_by("-pk").values_list("pk", flat=True).first())
    source = connection.settings_dict["NAME"]
    scratch = f"{source}_upgrade"
    connections.close_all()
    with psycopg.connect(**conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{scratch}" TEMPLATE "{source}"')
    connection.settings_dict["NAME"] = scratch
    info = conninfo(scratch)
    print(
        f"data set: {counts[0]:,} colleagues, {counts[1]:,} training records "
        f"({'built' if built['built'] else 'reused'}), copied to {scratch}; "
        f"lock_timeout {args.lock_timeout_ms} ms on the migrating connection\n"
    )
    try:
        rows = []
        pid = set_lock_timeout(args.lock_timeout_ms)
        with Observed(info, pid, ids) as seen:
            for app in PROJECT_APPS:
                _, back = latest(app, MigrationExecutor(connection).loader)
                events: list = []
                errors = [run_migrations([back], events)]
                forward = MigrationExecutor(connection).loader.graph.leaf_nodes()
                errors.append(run_migrations(forward, events))
                rows.append((app, events, errors))
        results = []
        for app, events, errors in rows:
            for span in spans(events):
                results.append(report(span, seen.results))
            for error in filter(None, errors):
                print(f"{app}: {error}")
        print_rows(results)
        print(f"\nthe traffic over the whole run: {baseline(seen.results)}")
        over = [
            r
            for r in results
            if max(r["read_max_ms"], r["write_max_ms"]) > args.max_blocked_ms
            and tuple(r["migration"].split(".", 1)) not in REVIEWED
        ]
        worst_row = max(results, key=lambda r: max(r["read_max_ms"], r["write_max_ms"]))
        print(
            f"longest a concurrent read or write waited: "
            f"{max(worst_row['read_max_ms'], worst_row['write_max_ms']):.1f} ms, "
            f"during {worst_row['migration']} {worst_row['direction']}"
            + (
                " (reviewed: tests/migrations_reviewed.py)"
                if tuple(worst_row["migration"].split(".", 1)) in REVIEWED
                else ""
            )
        )

        print(
            "\nThe safe way on people_colleague, for comparison (README, 'Migrations'), applied and taken back:"
        )
        print_rows(the_safe_way(info, ids))

        print(
            f"\nA {args.report_seconds:.0f}-second report holds people_colleague while people 0002 is rolled back "
            "(DROP COLUMN needs ACCESS EXCLUSIVE):"
        )
        blocked = blocked_by_a_long_report(info, ids, args.lock_timeout_ms, args.report_seconds)
        print_rows(blocked)
    finally:
        connections.close_all()
        with psycopg.connect(**conninfo("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    if over:
        names = ", ".join(sorted({r["migration"] for r in over}))
        print(
            f"FAIL: a concurrent query waited over {args.max_blocked_ms:.0f} ms during {names}, not reviewed"
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
