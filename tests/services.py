"""Real services for the tests that need them: a Celery worker on Redis, and Chromium.

Nothing here skips: a test that asks for a worker or a browser fails when
Redis or Chromium is missing, as CI requires.
"""

import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app as celery_app
from tests.servers import celery_worker_command, stop_process_group

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def worker_broker_url() -> str:
    return os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")


def database_url_of_test_db() -> str:
    s = connection.settings_dict
    user = s["USER"] or "postgres"
    auth = f"{user}:{s['PASSWORD']}@" if s["PASSWORD"] else f"{user}@"
    return f"postgres://{auth}{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _forget_broker(app) -> None:
    """Drop what the app built from its old settings, so the next call uses the new ones.

    A task run eagerly earlier in the session has already made the producer
    pool (for the old broker), the queue map (with the old default queue) and
    this thread's result backend; left alone, pings and tasks go to the old
    broker and the worker never hears them.
    """
    app._pool = None
    app.__dict__.pop("amqp", None)
    app._local.__dict__.pop("backend", None)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` (prefork, 2 processes) on Redis, using the test database.

    Each test session gets its own queue, so parallel runs on one Redis do not
    take each other's tasks.
    """
    import redis

    broker = worker_broker_url()
    redis.Redis.from_url(broker).ping()  # no Redis: fail here, loudly
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        database_url = database_url_of_test_db()
    # Unless told otherwise, the worker writes its mail to files the tests can read (`worker_outbox`).
    mail_dir = ARTIFACTS / f"worker-mail-{queue}"
    mail_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_URL": os.environ.get("TEST_WORKER_EMAIL_URL", f"filemail:///{mail_dir.resolve()}"),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"worker-{queue}.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        celery_worker_command(queue, f"{queue}@%h", 2),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    proc.mail_dir = None if os.environ.get("TEST_WORKER_EMAIL_URL") else mail_dir
    previous = dict(celery_app.conf)
    celery_app.conf.update(broker_url=broker, result_backend=broker, task_default_queue=queue)
    _forget_broker(celery_app)
    # A loaded 2-core machine has been seen to take a minute to boot Django in the worker.
    deadline = time.monotonic() + 120
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"celery worker exited: see {log.name}")
            if celery_app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"celery worker did not answer in 120 s: see {log.name}")
    except BaseException:
        # No teardown runs for a fixture that fails before its yield: stop the worker here,
        # or it outlives the test run.
        stop_process_group(proc)
        raise
    yield proc
    stop_process_group(proc)
    log.close()
    celery_app.conf.update(
        broker_url=previous["broker_url"],
        result_backend=previous["result_backend"],
        task_default_queue=previous["task_default_queue"],
    )
    _forget_broker(celery_app)


@pytest.fixture
def celery_worker(celery_worker_process, transactional_db):
    """Tasks enqueued in this test go to the real worker (data must be committed: transactional_db)."""
    celery_app.conf.task_always_eager = False
    yield celery_worker_process
    celery_app.conf.task_always_eager = True


@pytest.fixture
def worker_outbox(celery_worker):
    """The emails the real worker sends during this test: call it to read them (oldest first)."""
    import email
    import email.policy

    mail_dir = celery_worker.mail_dir
    assert mail_dir is not None, "TEST_WORKER_EMAIL_URL is set: the worker's mail goes elsewhere"
    for old in mail_dir.glob("*.log"):
        old.unlink()

    def read() -> list:
        messages = []
        for path in sorted(mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
        return messages

    return read


@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium from the machine (Debian's package), driven by Playwright."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    assert Path(executable).exists(), f"Chromium is not installed at {executable} (apt-get install chromium)"
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself are still synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-quic",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()
            if previous is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser page; `page.base_url` is the live server's address."""
    # A UK desktop's language and clock (headless Chromium still draws date fields US-style).
    context = chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
    )
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def worker_wait_idle(timeout: float = 60) -> None:
    """Wait until the test worker's queue is empty and it runs nothing (tasks queued by tasks included)."""
    import redis

    queue = celery_app.conf.task_default_queue
    node = f"{queue}@{os.uname().nodename}"
    client = redis.Redis.from_url(worker_broker_url())
    inspect = celery_app.control.inspect(destination=[node], timeout=1)
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline:
        busy = client.llen(queue) > 0
        if not busy:
            active, reserved = inspect.active() or {}, inspect.reserved() or {}
            busy = any(active.values()) or any(reserved.values()) or node not in active
        # Twice in a row: a task may queue another between the two looks.
        quiet = 0 if busy else quiet + 1
        if quiet == 2:
            return
        time.sleep(0.2)
    raise TimeoutError(f"the worker still had work after {timeout} s")
