"""A 10 MB certificate is stored with peak memory under 100 MB above the idle process (streamed)."""

import os
import subprocess
import sys

import pytest

from tests.services import ROOT, database_url_of_test_db


@pytest.mark.django_db(transaction=True)
def test_a_10_mb_certificate_is_stored_without_holding_it_in_memory():
    # Its own process, so the figure is that process's peak and nothing of the test runner's.
    done = subprocess.run(
        [sys.executable, "benchmarks/upload_memory.py"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url_of_test_db()},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    above_idle = float(done.stdout.strip().splitlines()[-1].removeprefix("RESULT "))
    assert "10,485,760 bytes" in done.stdout
    assert above_idle < 100
