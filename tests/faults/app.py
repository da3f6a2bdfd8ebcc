"""The app's own processes as the fault tests run them: gunicorn, `celery worker`, `celery beat`.

Each is a `tests.servers.Process` from this repository, with the environment
the test gives; its log is test-artifacts/faults-<test process>-<name>.log, so
two test processes (pytest-xdist) running fault tests at once never read each other's.
"""

from __future__ import annotations

import os
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

from tests.servers import Process, celery_command, celery_worker_command, wait_for_health


def _log_name(name: str) -> str:
    return f"faults-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{name}"


def app_env(**overrides: str) -> dict:
    """The environment the app's processes run with in these tests: development settings, no debug pages."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "CACHE_URL", "EMAIL_URL"))}
    env |= {"DJANGO_ENV": "development", "DEBUG": "0", "PYTHONUNBUFFERED": "1"}
    return env | overrides


def celery_worker(name: str, env: dict, queue: str, concurrency: int = 1) -> Process:
    return Process(
        _log_name(name),
        celery_worker_command(queue, f"{queue}-{name}@%h", concurrency, "--without-heartbeat"),
        env=env,
    )


def celery_beat(name: str, env: dict, schedule_dir: Path) -> Process:
    return Process(
        _log_name(name),
        celery_command("beat", "-l", "info", "--schedule", str(schedule_dir / "beat-schedule"), "--pidfile="),
        env=env,
    )


def gunicorn(name: str, env: dict, port: int) -> Process:
    web = Process(
        _log_name(name),
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "gunicorn.conf.py"],
        env=env | {"BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
    )
    wait_for_health(web, f"http://127.0.0.1:{port}", 90)
    return web


@contextmanager
def app_on_redis(name: str, redis, schedule_dir: Path, database_url: str, **settings: str):
    """gunicorn, a worker and beat, all on `redis` (broker, results and cache) and the test database."""
    from tests.servers import free_port, wait_for

    queue = f"{name}-{uuid.uuid4().hex[:8]}"
    env = app_env(
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=redis.url(0),
        CELERY_RESULT_BACKEND=redis.url(0),
        CACHE_URL=redis.url(1),
        CELERY_TASK_DEFAULT_QUEUE=queue,
        EMAIL_URL="consolemail://",
        OUTBOX_DRAIN_SECONDS="1",
        **settings,
    )
    port = free_port()
    processes = []
    try:
        worker = celery_worker(f"{name}-worker", env, queue)
        processes.append(worker)
        beat = celery_beat(f"{name}-beat", env, schedule_dir)
        processes.append(beat)
        web = gunicorn(f"{name}-web", env, port)
        processes.append(web)
        wait_for(lambda: " ready." in worker.log(), 120, "the worker ready")
        yield {"base": f"http://127.0.0.1:{port}", "env": env, "worker": worker, "beat": beat, "web": web}
    finally:
        for process in reversed(processes):
            process.stop()
