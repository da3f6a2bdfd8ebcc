"""Backup and restore (issue 7): a restored dump gives the same compliance report."""

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command

from core.filestore import DatabaseStorage
from tests.services import database_url_of_test_db
from tests.workspace.files import PDF

ROOT = Path(__file__).resolve().parent.parent


def report(database_url: str, day: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "manage.py", "compliance_report", "--as-of", day, "--format", "json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


def stored_file(database_url: str, name: str) -> bytes:
    """A file of the database storage, read straight from its chunks in the given database."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT c.data FROM core_storedchunk c JOIN core_storedfile f ON f.id = c.file_id"
            " WHERE f.name = %s ORDER BY c.number",
            [name],
        ).fetchall()
    return b"".join(bytes(r[0]) for r in rows)


@pytest.mark.django_db(transaction=True)
def test_restored_backup_gives_an_identical_compliance_report(tmp_path):
    call_command("loaddata", "reference", verbosity=0)
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)):
        call_command("seed_demo", verbosity=0)
    # A certificate: evidence lives in the database, so the dump carries it.
    certificate = PDF + os.urandom(3 * 1024 * 1024)
    stored = DatabaseStorage().save("evidence/backup-test/certificate.pdf", ContentFile(certificate))
    source = database_url_of_test_db()
    target = source.rsplit("/", 1)[0] + f"/restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "backup.dump"
    subprocess.run(
        ["scripts/backup.sh", str(dump)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": source},
        check=True,
        capture_output=True,
        timeout=120,
    )
    try:
        subprocess.run(
            ["scripts/restore.sh", str(dump), target], cwd=ROOT, check=True, capture_output=True, timeout=120
        )
        original = report(source, "2026-11-28")
        assert len(original) > 1000
        assert report(target, "2026-11-28") == original
        assert stored_file(target, stored) == certificate
    finally:
        server = target.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target.rsplit("/", 1)[1]}" WITH (FORCE)')
