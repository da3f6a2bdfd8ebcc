"""The API keeps to its OpenAPI schema, checked by schemathesis 4 over real HTTP with every check.

The schemathesis command line runs against the live test server, as a case
system's generated client would talk to it: `--checks all` (no server error,
every status and body documented, schema-valid input accepted, schema-invalid
input refused, ...), 50 examples per operation, once with a key that reaches
every scope and once without any credential. The run is deterministic
(`--generation-deterministic`: no random seed, no example database), so CI
gives the same answer twice.
"""

import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from integrations.services import api_client_issue

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


def schemathesis_start(base_url: str, cwd, *extra: str) -> subprocess.Popen:
    command = [
        SCHEMATHESIS,
        "run",
        f"{base_url}/api/schema/?format=json",
        "--checks",
        "all",
        "--max-examples",
        "50",
        "--generation-deterministic",
        "--workers",
        "1",
        "--no-color",
        "--max-failures",
        "20",
        "--output-truncate",
        "false",
        *extra,
    ]
    return subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_api_keeps_to_its_schema_under_every_check(live_server, spec_people, settings, tmp_path):
    """Both runs at once (the live server answers in threads): the suite waits for the longer one only."""
    settings.API_THROTTLE_RATE = "1000000/min"
    _, key = api_client_issue(name="schemathesis", scopes="eligibility,policies")
    runs = {
        "with a key": ["--header", f"Authorization: Token {key}"],
        # Every data request is a 401 without a key, which is the point: 50 fuzzed requests per
        # operation show it (the schema and docs stay open). The coverage and stateful phases would
        # only repeat the 401; schemathesis' warning that authentication failed is the expected answer.
        "without a key": ["--phases", "fuzzing", "--warnings", "off"],
    }

    started, cpu = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    running = {name: schemathesis_start(live_server.url, tmp_path, *extra) for name, extra in runs.items()}
    outputs = {name: process.communicate(timeout=300)[0] for name, process in running.items()}
    took = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime

    for name, output in outputs.items():
        assert running[name].returncode == 0, f"{name}:\n{output}"
        assert "No issues found" in output, f"{name}:\n{output}"
        assert re.search(r"Selected: 7/7\s+Tested: 7\b", output), f"{name}:\n{output}"
        counts = re.search(r"(\d+) generated, (\d+) passed(?:, (\d+) skipped)?", output)
        assert counts and counts[1] == counts[2], f"{name}:\n{output}"
        print(f"\nschemathesis {name}: {counts[0]}")
    print(f"both in {took:.0f} s ({cpu_seconds:.0f} s of schemathesis' own CPU)")
