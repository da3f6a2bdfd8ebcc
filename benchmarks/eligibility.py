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
import statistics
import time
import urllib.request

from dataset import TODAY, ensure_dataset
from serving import load, start_gunicorn, warm

from integrations.models import ApiClient
from integrations.services import api_client_issue
from tests.servers import free_port, stop_process_group

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
SECONDS = int(os.environ.get("BENCH_SECONDS", 8))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 4))
COLLEAGUES = 20_000
QUERY = f"case_type=hate_crime&on={TODAY.isoformat()}"


def auth(token: str) -> dict:
    return {"Authorization": f"Token {token}"}


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
    print(f"load: {CONNECTIONS} connections, {ROUNDS} rounds of {SECONDS} s each, alternating")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port)
    try:
        targets = {
            "baseline (bare view, 1 SQL query)": ("/bench/baseline/E%d/?" + QUERY, {}),
            "API GET /api/v1/eligibility/<n>/": ("/api/v1/eligibility/E%d/?" + QUERY, auth(token)),
        }
        for prefix, headers in targets.values():  # warm both up
            warm(base, prefix, first=100000, headers=headers)
        results = {name: [] for name in targets}
        for _ in range(ROUNDS):
            for name, (prefix, headers) in targets.items():
                results[name].append(
                    load(base, prefix, first=100000, count=COLLEAGUES, headers=headers,
                         connections=CONNECTIONS, seconds=SECONDS)
                )  # fmt: skip
        bulk = bulk_times(base, token)
    finally:
        stop_process_group(server)
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


if __name__ == "__main__":
    main()
