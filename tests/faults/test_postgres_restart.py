"""Issue 7, faults: PostgreSQL restarted during an import leaves nothing of the file, and the import can be retried.

The test owns a PostgreSQL cluster (initdb in a temporary directory), migrates
it and runs `import_training` on 60,000 rows in a subprocess against it. When
the command reports that it is writing, the test freezes it (SIGSTOP), restarts
PostgreSQL in immediate mode (a crash, as far as the server is concerned),
and lets it go on: its next write finds the connection gone.
"""

import csv
import datetime as dt
import io
import os
import signal
import subprocess
import sys

import psycopg

from tests.servers import ROOT

from .app import app_env

COLLEAGUES = 500
PER_COLLEAGUE = 120  # 60,000 training records


def manage(database_url: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=app_env(DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def files(tmp_path):
    people, training = io.StringIO(), io.StringIO()
    w = csv.writer(people)
    w.writerow(["employee_number", "first_name", "last_name", "role", "team", "start_date"])
    w.writerows([f"P{i:04d}", "Sam", f"Person {i}", "NHO", "North", "2015-01-05"] for i in range(COLLEAGUES))
    w = csv.writer(training)
    w.writerow(["employee_number", "course", "completed_on", "provider"])
    first = dt.date(2016, 1, 1)
    w.writerows(
        [f"P{i:04d}", "HC-REFRESHER", (first + dt.timedelta(days=d)).isoformat(), "Stop Hate UK"]
        for i in range(COLLEAGUES)
        for d in range(PER_COLLEAGUE)
    )
    (tmp_path / "colleagues.csv").write_text(people.getvalue())
    (tmp_path / "training.csv").write_text(training.getvalue())
    return tmp_path / "colleagues.csv", tmp_path / "training.csv"


def stored(database_url: str) -> dict:
    with psycopg.connect(database_url) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "records": one("SELECT count(*) FROM training_trainingrecord"),
            "distinct records": one(
                "SELECT count(*) FROM (SELECT DISTINCT colleague_id, course_id, completed_on "
                "FROM training_trainingrecord) AS keys"
            ),
            "history rows": one("SELECT count(*) FROM training_historicaltrainingrecord"),
            "batches": conn.execute(
                "SELECT status, created, problems FROM imports_importbatch WHERE kind = 'training' ORDER BY id"
            ).fetchall(),
        }


def test_postgres_restarted_mid_import_writes_nothing_and_the_retry_writes_everything_once(
    private_postgres, tmp_path
):
    url = private_postgres.create_database("faults_import")
    migrated = manage(url, "migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    assert manage(url, "loaddata", "reference", "-v0").returncode == 0
    colleagues, training = files(tmp_path)
    assert manage(url, "import_colleagues", "--create-teams", str(colleagues)).returncode == 0

    command = subprocess.Popen(
        [sys.executable, "manage.py", "import_training", str(training)],
        cwd=ROOT,
        env=app_env(DATABASE_URL=url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    try:
        for line in command.stderr:
            seen.append(line)
            if line.startswith("Writing training records"):
                # Mid-COPY, inside the import's one transaction: freeze it, restart the server, resume.
                os.kill(command.pid, signal.SIGSTOP)
                private_postgres.restart("immediate")
                os.kill(command.pid, signal.SIGCONT)
                break
        else:
            raise AssertionError("the import never reached its writes:\n" + "".join(seen))
        _, err = command.communicate(timeout=120)
    finally:
        if command.poll() is None:
            command.kill()
            command.wait()

    assert command.returncode == 1
    assert "Traceback" not in err
    assert (
        err.strip()
        .splitlines()[-1]
        .startswith("CommandError: “training.csv”: the connection to the database was lost during the import")
    )
    assert "nothing from this file was written: import the file again" in err
    after = stored(url)
    assert (after["records"], after["history rows"]) == (0, 0)
    [(status, created, problems)] = after["batches"]
    assert (status, created) == ("failed", 0)
    assert "the connection to the database was lost" in problems[0][2]

    retry = manage(url, "import_training", str(training))
    assert retry.returncode == 0, retry.stderr
    assert retry.stdout.splitlines()[-1] == f"created {COLLEAGUES * PER_COLLEAGUE}, updated 0, unchanged 0"
    after = stored(url)
    assert (
        after["records"] == after["distinct records"] == after["history rows"] == COLLEAGUES * PER_COLLEAGUE
    )
    assert [b[:2] for b in after["batches"]] == [("failed", 0), ("done", COLLEAGUES * PER_COLLEAGUE)]
