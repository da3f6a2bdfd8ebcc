"""scripts/migrate.sh, the upgrade procedure's migrate step (README, "Upgrading")."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tests.services import database_url_of_test_db

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db(transaction=True)
def test_a_busy_table_makes_the_migration_give_up_and_try_again_instead_of_blocking_everyone(tmp_path):
    """A report holds people_colleague; the pending migration needs it (ADD COLUMN: ACCESS EXCLUSIVE).

    With DB_LOCK_TIMEOUT the migration gives up after that long, so the
    requests queued behind its lock request go on; the script tries again and
    finishes once the report is over.
    """
    call_command("migrate", "people", "0001", verbosity=0)  # people 0002 is pending again
    url = database_url_of_test_db()
    s = connection.settings_dict
    report = psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"] or "postgres",
        password=s["PASSWORD"] or None,
        dbname=s["NAME"],
    )
    log = tmp_path / "migrate.log"
    try:
        report.execute("SELECT count(*) FROM people_colleague")  # holds ACCESS SHARE until it ends
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_ALLOW")}
        env |= {
            "DATABASE_URL": url,
            "DB_LOCK_TIMEOUT": "300ms",
            "MIGRATE_ATTEMPTS": "5",
            "MIGRATE_RETRY_SECONDS": "1",
            "PYTHON": sys.executable,
        }
        with open(log, "w") as out:
            script = subprocess.Popen(
                ["bash", "scripts/migrate.sh"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
            deadline = time.monotonic() + 90
            while "attempt 1 of 5" not in log.read_text():
                assert script.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            report.commit()  # the report is over
            assert script.wait(120) == 0, log.read_text()
        output = log.read_text()
        assert "canceling statement due to lock timeout" in output
        assert "Applying people.0002_import_batch... OK" in output
        assert "attempt 2 of 5" not in output
    finally:
        report.close()
        call_command("migrate", verbosity=0)  # whatever happened, the test database is whole again


def test_an_unreadable_lock_timeout_is_refused():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_ALLOW")}
    env |= {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused", "DB_LOCK_TIMEOUT": "2 seconds; DROP"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DB_LOCK_TIMEOUT: '2 seconds; DROP' is not a time such as 2s or 500ms." in result.stderr
