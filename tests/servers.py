"""Servers and processes a test owns: it starts, stops and restarts these, never the machine's own.

- `Process`: a subprocess in its own process group (a new session), logging to
  a file, stopped by its own id with the whole group (gunicorn's and Celery's
  children too). `stop_process_group` does the same for a bare `Popen`
  (tests/services.py's worker, the benchmarks' gunicorn).
- `RedisServer`: /usr/bin/redis-server on a free port, no persistence.
- `PostgresCluster`: a throwaway cluster (initdb in a temp directory, owned by
  the postgres user when the tests run as root, as PostgreSQL requires).
- `ScratchDatabase`: a database of its own on the machine's PostgreSQL.
- `SmtpSink`: an aiosmtpd server in this process that keeps what it receives
  and can hold a conversation still, so a test can kill the sender at a known point.

Nothing here imports pytest or Django: the benchmarks use it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Callable, timeout: float, what: str, interval: float = 0.1):
    """Call `check` until it returns something truthy; its value, or TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout} s")
        time.sleep(interval)


def stop_process_group(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    """`sig` to the group of `proc` (started with start_new_session=True), SIGKILL if it lingers.

    By the group's id, which is the process's own: never by name, so nobody
    else's processes are touched.
    """
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    # Children left behind by a parent that died first are still in the group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def celery_command(*args: str, app: str = "config") -> list[str]:
    """`celery -A <app> <args>` run by this interpreter (the virtualenv's)."""
    return [sys.executable, "-m", "celery", "-A", app, *args]


def celery_worker_command(queue: str, node: str, concurrency: int, *extra: str) -> list[str]:
    """A prefork worker taking `queue` only, named `node`; no gossip or mingle, which tests do not need."""
    return celery_command(
        "worker",
        *("-Q", queue, "--pool=prefork", f"--concurrency={concurrency}"),
        *("--without-gossip", "--without-mingle", *extra),
        *("-l", "info", "-n", node),
    )


class Process:
    """A subprocess in a new session (so its own process group), its output in `logs`/`name`.log."""

    def __init__(self, name: str, args: list[str], *, env: dict, logs: Path = ARTIFACTS):
        logs.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log_path = logs / f"{name}.log"
        # Truncated, not appended to: a test waits for lines such as " ready.", and a line
        # from an earlier run's process of the same name must not count.
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.pid = self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def children(self) -> list[int]:
        """The ids of the process's direct children (a Celery worker's pool processes, say)."""
        path = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def terminate(self) -> None:
        """SIGTERM to the whole group, without waiting (see `stop_all`)."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        """`sig` to the whole group, SIGKILL if it lingers. Stopping twice is harmless."""
        stop_process_group(self.proc, sig, timeout)
        self._log.close()


def stop_all(processes) -> None:
    """Stop several at once: all are told first, then each is waited for (and killed if it lingers)."""
    processes = list(processes)
    for process in processes:
        process.terminate()
    for process in processes:
        process.stop()


def wait_for_health(process: Process, base: str, timeout: float) -> None:
    """Until `base`/healthz answers 200; at once, naming its log, if the process has exited."""
    import requests

    def answers() -> bool:
        assert process.alive(), f"{process.name} exited: see {process.log_path}"
        try:
            return requests.get(f"{base}/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    wait_for(answers, timeout, f"{process.name} answering /healthz", interval=0.2)


class RedisServer:
    """A redis-server of our own on a free port, without persistence, which a test may stop and start again.

    Its log goes to `logs` (a file per start), by default its temporary directory.
    """

    def __init__(self, logs: Path | None = None):
        assert Path(REDIS_SERVER).exists(), f"redis-server is not installed at {REDIS_SERVER}"
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="test-redis-"))
        self.logs = logs or self.dir
        self.process: Process | None = None
        self._starts = 0

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self._starts += 1
        self.process = Process(
            f"redis-{self.port}-{self._starts}",
            [
                REDIS_SERVER,
                *("--bind", "127.0.0.1", "--port", str(self.port)),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
                *("--dir", str(self.dir)),
            ],
            env=dict(os.environ),
            logs=self.logs,
        )
        wait_for(self.answers, 10, f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop(timeout=10)
            self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresCluster:
    """A private PostgreSQL cluster on a free port, with durability off to stay fast (it is thrown away)."""

    def __init__(self):
        for binary in ("initdb", "pg_ctl"):
            assert (PG_BIN / binary).exists(), f"PostgreSQL's {binary} is not in {PG_BIN}"
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="test-pg-"))
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
            *("-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"),
            *("--no-locale", "--no-sync", "--no-instructions"),
        )
        self.options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )

    def _pg_ctl(self, *args: str) -> None:
        self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", self.options, *args)

    def start(self) -> None:
        self._pg_ctl("-w", "start")

    def restart(self, mode: str = "immediate") -> None:
        self._pg_ctl("-m", mode, "-w", "restart")

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


class ScratchDatabase:
    """A database of its own on the machine's PostgreSQL, named after DATABASE_URL's, dropped at the end."""

    def __init__(self, base_url: str, suffix: str):
        u = urlparse(base_url)
        assert u.scheme.startswith("postgres"), f"a scratch database needs PostgreSQL, not {base_url}"
        self.name = f"{u.path.lstrip('/') or 'hate_training'}_{suffix}_{os.getpid()}"
        self._connect = {
            "host": u.hostname or "127.0.0.1",
            "port": u.port or 5432,
            "user": u.username or "postgres",
            "password": u.password,
            "dbname": "postgres",
            "autocommit": True,
        }
        self.url = u._replace(path=f"/{self.name}").geturl()

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(**self._connect) as c:
            c.execute(sql)

    def create(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class SmtpSink:
    """An SMTP server (aiosmtpd) in a thread of this process that keeps every message it accepts.

    `hold_next()` makes the next conversation stop after RCPT TO (the message
    is not sent yet) until `release()`; `held` is set while one waits.
    """

    def __init__(self):
        from aiosmtpd.controller import Controller

        self._messages: list = []
        self._lock = threading.Lock()
        self.held = threading.Event()
        self._release = threading.Event()
        self._hold = False
        # The sink is its own handler: aiosmtpd calls the handle_* methods below.
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self._release.set()
        self.controller.stop()

    def messages(self) -> list:
        """(recipients, email.message.EmailMessage) for every message received so far, oldest first."""
        with self._lock:
            return list(self._messages)

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
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self._messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"
