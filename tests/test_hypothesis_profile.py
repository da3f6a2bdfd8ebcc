"""Property tests give CI the same answer twice and keep exploring on a developer's machine (tests/conftest.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What a test's own `@settings(...)` sees once the suite's conftest is loaded (test_malformed.py sets some).
PROBE = (
    "import tests.conftest; from hypothesis import settings; "
    "s = settings(max_examples=120); print(s.derandomize, s.database is None)"
)


@pytest.mark.parametrize(
    ("ci", "expected"),
    [("true", "True True"), ("1", "True True"), ("", "False False"), ("false", "False False")],
)
def test_ci_runs_derandomised_examples_and_a_local_run_random_ones(ci, expected):
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"CI": ci}
    run = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert (run.returncode, run.stdout.strip()) == (0, expected), run.stderr
