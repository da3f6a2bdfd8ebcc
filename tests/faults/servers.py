"""Real servers the fault tests own: they stop and start these, never the machine's own.

- `RedisServer`: /usr/bin/redis-server on a free port, no persistence.
- `PostgresCluster`: a throwaway cluster (initdb in a temp directory, owned by
  the postgres user when the tests run as root, as PostgreSQL requires).
- `SmtpSink`: an aiosmtpd server that keeps what it receives and can hold a
  conversation still, so a test can kill the sender at a known point.
- `AppProcess`: gunicorn, `celery worker` or `celery beat` from this
  repository, with an environment the test gives.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout} s")
        time.sleep(interval)


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


class RedisServer:
    def __init__(self):
        assert Path(REDIS_SERVER).exists(), f"redis-server is not installed at {REDIS_SERVER}"
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="faults-redis-"))
        self.proc: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _port_open(self.port), 10, f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None
        wait_for(lambda: not _port_open(self.port), 10, f"redis-server on port {self.port} stopping")

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresCluster:
    """A private PostgreSQL cluster on a free port, with durability off to stay fast (it is thrown away)."""

    def __init__(self):
        for binary in ("initdb", "pg_ctl"):
            assert (PG_BIN / binary).exists(), f"PostgreSQL's {binary} is not in {PG_BIN}"
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        # PostgreSQL refuses to run as root: as root, run it as the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, "postgres")

    def _pg(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            [*self.as_user, *args],
            check=True,
            timeout=timeout,
            # Not captured: the server started by pg_ctl inherits its output and would keep
            # a pipe open for ever. Its log goes to self.log (-l).
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def init(self) -> None:
        self._pg(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
            "--no-instructions",
        )
        self.options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )

    def start(self) -> None:
        self._pg(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            self.options,
            "-w",
            "start",
        )

    def restart(self, mode: str = "immediate") -> None:
        self._pg(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            self.options,
            "-m",
            mode,
            "-w",
            "restart",
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class SmtpSink:
    """An SMTP server that keeps every message it accepts.

    `hold_next()` makes the next conversation stop after RCPT TO (the message
    is not sent yet) until `release()`; `held` is set while one waits.
    """

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.held = threading.Event()
        self._release = threading.Event()
        self._hold = False
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self._release.set()
        self.controller.stop()

    def hold_next(self) -> None:
        self._hold, self._release = True, threading.Event()
        self.held.clear()

    def release(self) -> None:
        self._release.set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self._hold:
            self._hold = False
            self.held.set()
            while not self._release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class AppProcess:
    """One of the app's processes (gunicorn, celery worker, celery beat), in its own process group."""

    def __init__(self, name: str, args: list[str], env: dict):
        ARTIFACTS.mkdir(exist_ok=True)
        self.name = name
        self.log_path = ARTIFACTS / f"faults-{name}.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._log.close()


def app_env(**overrides: str) -> dict:
    """The environment the app's processes run with in these tests: development settings, no debug pages."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "CACHE_URL", "EMAIL_URL"))}
    env |= {"DJANGO_ENV": "development", "DEBUG": "0", "PYTHONUNBUFFERED": "1"}
    return env | overrides


def celery_worker(name: str, env: dict, queue: str, concurrency: int = 1) -> AppProcess:
    return AppProcess(
        name,
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
            "-n",
            f"{queue}-{name}@%h",
        ],
        env,
    )


def celery_beat(name: str, env: dict, schedule_dir: Path) -> AppProcess:
    return AppProcess(
        name,
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "-l",
            "info",
            "--schedule",
            str(schedule_dir / "beat-schedule"),
            "--pidfile=",
        ],
        env,
    )


def gunicorn(name: str, env: dict, port: int) -> AppProcess:
    web = AppProcess(
        name,
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "gunicorn.conf.py"],
        env | {"BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
    )

    def answers() -> bool:
        assert web.alive(), f"gunicorn exited: see {web.log_path}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    wait_for(answers, 90, "gunicorn answering /healthz", interval=0.5)
    return web
