"""Serving the app with gunicorn on loopback and loading it with `wrk`, for the benchmarks.

`wrk` is Debian's package (`apt-get install wrk`); without it a small threaded
Python client does the same job, more slowly. Every load is bounded by time and
stops by itself. A response other than 200 counts as an error (wrk alone would
count a redirect to the sign-in page as a success).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # for tests.servers, when this module is imported before dataset

from tests.servers import stop_process_group  # noqa: E402


def start_gunicorn(port: int, workers: int | None = 2) -> subprocess.Popen:
    """The project's gunicorn.conf.py, as in production, with the access log left out of the figures.

    `workers=None` keeps the configuration's own number (2 per core + 1).
    """
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
        [sys.executable, "-m", "gunicorn", "config.wsgi:application",
         *(["--workers", str(workers)] if workers else []), "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("gunicorn exited") from None
            time.sleep(0.3)
    stop_process_group(proc)
    raise RuntimeError("gunicorn did not answer in 60 s")


# Paths are `prefix % number` for random numbers in [first, first + count); each
# request carries one of the header sets, at random (one per signed-in person, say).
LUA = """
math.randomseed(%(seed)d)
local threads = {}
local header_sets = {%(header_sets)s}
function setup(thread) table.insert(threads, thread) end
function init(args) failed = 0 end
request = function()
  local path = string.format("%(prefix)s", %(first)d + math.random(0, %(count)d - 1))
  return wrk.format("GET", path, header_sets[math.random(#header_sets)])
end
response = function(status, headers, body)
  if status ~= 200 then failed = failed + 1 end
end
done = function(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("failed") end
  io.write(string.format("not 200: %%d\\n", n))
end
"""


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def load(base, prefix, *, first, count, headers=None, connections=4, seconds=8, threads=1) -> dict:
    """Load `base + prefix % n` for `seconds`: requests, req/s, p50/p99/max ms and errors.

    `headers`: one dict, or a list of them to choose from at random for each request.
    """
    header_sets = headers if isinstance(headers, list) else [headers or {}]
    if shutil.which("wrk") is None:
        return _load_python(base, prefix, first, count, header_sets, connections, seconds)
    lua_headers = ", ".join(
        "{" + ", ".join(f'["{k}"] = "{v}"' for k, v in h.items()) + "}" for h in header_sets
    )
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "load.lua"
        script.write_text(
            LUA % {"seed": int.from_bytes(os.urandom(3), "big"), "prefix": prefix, "first": first,
                   "count": count, "header_sets": lua_headers}
        )  # fmt: skip
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency",
             "-s", str(script), base],
            capture_output=True, text=True, check=True, timeout=seconds + 120,
        ).stdout  # fmt: skip
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "max": _ms(re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", out).group(1)),
        "errors": int(re.search(r"not 200: (\d+)", out).group(1))
        + (sum(int(g) for g in socket_errors.groups()) if socket_errors else 0),
    }


def _load_python(base, prefix, first, count, header_sets, connections, seconds) -> dict:
    """Without wrk: `connections` threads, each asking one request at a time until the time is up."""
    import random

    latencies, errors = [], []
    deadline = time.monotonic() + seconds

    def worker(seed):
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            url = base + prefix % (first + rng.randrange(count))
            started = time.perf_counter()
            try:
                request = urllib.request.Request(url, headers=rng.choice(header_sets))
                with urllib.request.urlopen(request, timeout=30) as r:
                    r.read()
                    if r.status != 200:
                        errors.append(url)
            except OSError:
                errors.append(url)
            latencies.append((time.perf_counter() - started) * 1000)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / (time.monotonic() - started),
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99)],
        "max": latencies[-1],
        "errors": len(errors),
    }


def warm(base, prefix, *, first, headers=None, n=50) -> None:
    for i in range(n):
        with urllib.request.urlopen(
            urllib.request.Request(base + prefix % (first + i), headers=headers or {}), timeout=30
        ) as response:
            response.read()
