"""Issue 9 benchmark: the eligibility API under load, beside a bare one-query view.

On the 20,000-colleague data set (dataset.py) in PostgreSQL, served by
gunicorn with 2 workers on a loopback port, `wrk` (Debian's package; a small
threaded Python client if it is missing) asks for random officers for a fixed
time: requests per second and p50/p99 latency of `GET /api/v1/eligibility/<n>/`
with an API key, and of the bare view of baseline.py, in alternating rounds of
the same run. Then the time of one `POST /api/v1/eligibility/` of 1,000
numbers. Targets: the API at 70% or more of the baseline's requests per
second; 1,000 numbers in under 150 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hate_training_bench .venv/bin/python benchmarks/eligibility.py
"""

import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from dataset import TODAY, ensure_dataset

from integrations.models import ApiClient
from integrations.services import api_client_issue

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
SECONDS = int(os.environ.get("BENCH_SECONDS", 8))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 4))
COLLEAGUES = 20_000
QUERY = f"case_type=hate_crime&on={TODAY.isoformat()}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": f"{HERE}{os.pathsep}{ROOT}",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(
        # The project's gunicorn.conf.py applies (as in production), with 2 workers
        # and the access log left out of the printed figures.
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/schema/", timeout=2).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("gunicorn exited") from None
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in 60 s")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


LUA = """
math.randomseed(%(seed)d)
request = function()
  local path = string.format("%(prefix)s", 100000 + math.random(0, %(n)d - 1))
  return wrk.format("GET", path, {%(headers)s})
end
"""


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def load_wrk(base: str, prefix: str, token: str | None, workdir: Path) -> dict:
    headers = f'["Authorization"] = "Token {token}"' if token else ""
    script = workdir / f"load-{random.randrange(10**6)}.lua"
    script.write_text(
        LUA % {"seed": random.randrange(10**6), "prefix": prefix, "n": COLLEAGUES, "headers": headers}
    )
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "-s", str(script), base],
        capture_output=True, text=True, check=True, timeout=SECONDS + 60,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(errors.group(1)) if errors else 0}


def load_python(base: str, prefix: str, token: str | None, workdir: Path) -> dict:
    """Fallback when wrk is not installed: CONNECTIONS threads asking one at a time."""
    latencies, errors = [], []
    deadline = time.monotonic() + SECONDS
    headers = {"Authorization": f"Token {token}"} if token else {}

    def worker(seed):
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            url = base + prefix % (100000 + rng.randrange(COLLEAGUES))
            started = time.perf_counter()
            try:
                urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30).read()
            except OSError:
                errors.append(url)
            latencies.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {
        "rps": len(latencies) / (time.monotonic() - started),
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99)],
        "errors": len(errors),
    }


def bulk_times(base: str, token: str, runs: int = 9) -> list[float]:
    rng = random.Random(1000)
    times = []
    for _ in range(runs + 1):
        numbers = [f"E{100000 + i}" for i in rng.sample(range(COLLEAGUES), 1000)]
        body = json.dumps(
            {"case_type": "hate_crime", "on": TODAY.isoformat(), "employee_numbers": numbers}
        ).encode()
        request = urllib.request.Request(
            f"{base}/api/v1/eligibility/", data=body, method="POST",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )  # fmt: skip
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            results = json.loads(response.read())["results"]
        times.append((time.perf_counter() - started) * 1000)
        assert [r["employee_number"] for r in results] == numbers
    return times[1:]  # the first warms the worker up


def main():
    print(f"data set: {ensure_dataset(COLLEAGUES)}")
    _, token = api_client_issue(name="benchmark", scopes="eligibility")
    ApiClient.objects.filter(name="benchmark").update(throttle_rate="100000000/min")
    load = load_wrk if shutil.which("wrk") else load_python
    print(f"load generator: {'wrk' if load is load_wrk else 'Python threads'}, {CONNECTIONS} connections, "
          f"{ROUNDS} rounds of {SECONDS} s each, alternating")  # fmt: skip
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            targets = {
                "baseline (bare view, 1 SQL query)": ("/bench/baseline/E%d/?" + QUERY, None),
                "API GET /api/v1/eligibility/<n>/": ("/api/v1/eligibility/E%d/?" + QUERY, token),
            }
            for prefix, key in targets.values():  # warm both up
                load_python_once(base, prefix, key)
            results = {name: [] for name in targets}
            for _ in range(ROUNDS):
                for name, (prefix, key) in targets.items():
                    results[name].append(load(base, prefix, key, Path(tmp)))
            bulk = bulk_times(base, token)
    finally:
        stop(server)
    print(f"{'single lookup':40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  (median of {ROUNDS} rounds)")
    medians = {}
    for name, runs in results.items():
        m = {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99")}
        medians[name] = m
        errors = sum(r["errors"] for r in runs)
        print(
            f"{name:40} {m['rps']:8.0f} {m['p50']:8.1f} {m['p99']:8.1f}"
            + (f"  {errors} errors!" if errors else "")
        )
    base_rps, api_rps = (m["rps"] for m in medians.values())
    ratio = api_rps / base_rps
    print(
        f"API / baseline requests per second: {ratio:.0%} (target >= 70%) {'PASS' if ratio >= 0.7 else 'FAIL'}"
    )
    print("per round: " + "; ".join(
        f"{a['rps'] / b['rps']:.0%}" for b, a in zip(*results.values(), strict=True)))  # fmt: skip
    median = statistics.median(bulk)
    print(f"bulk POST of 1,000 numbers: median {median:.0f} ms, best {min(bulk):.0f} ms over {len(bulk)} "
          f"(target < 150 ms) {'PASS' if median < 150 else 'FAIL'}")  # fmt: skip


def load_python_once(base, prefix, token, n=50):
    headers = {"Authorization": f"Token {token}"} if token else {}
    for i in range(n):
        urllib.request.urlopen(
            urllib.request.Request(base + prefix % (100000 + i), headers=headers), timeout=30
        ).read()


if __name__ == "__main__":
    main()
