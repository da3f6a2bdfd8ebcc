"""Real processes for the end-to-end test, each in its own process group, stopped by its own id.

Nothing here touches the machine's own services: Redis is a private
`redis-server` on a free port (the test stops and restarts it), the SMTP sink
is aiosmtpd in this process, and the database is one created for the run on
the machine's PostgreSQL and dropped at the end.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, *, timeout: float, what: str, interval: float = 0.1):
    """Call `check` until it returns something truthy; its value, or TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout} s")
        time.sleep(interval)


class Process:
    """A subprocess in a new session (so its own process group), logging to a file."""

    def __init__(self, name: str, args: list[str], *, env: dict, logs: Path):
        self.name = name
        self.log_path = logs / f"{name}.log"
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.pid = self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def terminate(self) -> None:
        """SIGTERM to the whole group: gunicorn's and Celery's children too."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM to the whole group, SIGKILL if it lingers."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.proc.wait(5)
            except ProcessLookupError:
                pass
        # Children left behind by a parent that died first are still in the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self._log.close()


def stop_all(processes) -> None:
    """Stop several at once: all are told first, then each is waited for (and killed if it lingers)."""
    processes = list(processes)
    for process in processes:
        process.terminate()
    for process in processes:
        process.stop()


class PrivateRedis:
    """A redis-server of our own on a free port, which the test may stop and start again."""

    def __init__(self, logs: Path, env: dict):
        self.port = free_port()
        self.logs, self.env = logs, env
        self.process: Process | None = None
        self.url = f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = Process(
            f"redis-{int(time.monotonic() * 1000)}",
            [
                "/usr/bin/redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            env=self.env,
            logs=self.logs,
        )
        wait_for(self.answers, timeout=10, what=f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None


class SmtpSink:
    """An SMTP server (aiosmtpd) in a thread of this process that keeps every message it is given."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self._messages: list = []
        self._lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
                with sink._lock:
                    sink._messages.append((list(envelope.rcpt_tos), message))
                return "250 Message accepted for delivery"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def messages(self) -> list:
        """(recipients, email.message.EmailMessage) for every message received so far, oldest first."""
        with self._lock:
            return list(self._messages)


class ScratchDatabase:
    """A database of its own on the machine's PostgreSQL, named after DATABASE_URL's, dropped at the end."""

    def __init__(self, base_url: str):
        u = urlparse(base_url)
        assert u.scheme.startswith("postgres"), f"the end-to-end test needs PostgreSQL, not {base_url}"
        self.name = f"{u.path.lstrip('/') or 'hate_training'}_endtoend_{os.getpid()}"
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
