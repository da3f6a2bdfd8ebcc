"""The outbox (core/outbox.py): a task that cannot reach the broker is kept, not lost, and sent later.

The broker here is really unreachable (a closed port), not mocked. The whole
story with a real Redis stopped and started is tests/faults/test_redis_down.py.
"""

import time

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app
from core import outbox
from core.models import QueuedTask
from core.tasks import outbox_drain, worker_check
from tests.servers import free_port
from tests.services import _forget_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    previous = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    _forget_broker(app)
    outbox._down_until = 0.0
    yield
    app.conf.update(**previous)
    _forget_broker(app)
    outbox._down_until = 0.0


def test_a_task_sent_while_the_broker_is_down_is_kept_with_its_id(broker_down):
    started = time.monotonic()
    result = worker_check.apply_async(task_id="kept-1", countdown=60)
    first = time.monotonic() - started
    assert result.id == "kept-1"
    row = QueuedTask.objects.get()
    assert (row.task_name, row.task_id, row.args, row.kwargs) == ("core.tasks.worker_check", "kept-1", [], {})
    # The delay counts from the send, not from when Redis is back.
    assert abs((row.eta - timezone.now()).total_seconds() - 60) < 10
    assert outbox.task_waiting_in_outbox("kept-1")
    # Within BROKER_DOWN_SECONDS the next send goes straight to the outbox: no second wait.
    started = time.monotonic()
    worker_check.delay()
    assert time.monotonic() - started < 0.5 < first + 0.5
    assert QueuedTask.objects.count() == 2


def test_the_drain_keeps_rows_while_the_broker_is_still_down(broker_down):
    worker_check.apply_async(task_id="kept-2")
    assert outbox.outbox_drain() == 0
    row = QueuedTask.objects.get()
    assert row.attempts == 1
    assert "OperationalError" in row.last_error or "ConnectionError" in row.last_error


def test_the_drain_task_itself_is_never_kept(broker_down):
    outbox._down_until = 0.0
    with pytest.raises((OperationalError, RuntimeError)):
        outbox_drain.delay()
    assert not QueuedTask.objects.exists()


def test_only_broker_failures_are_kept():
    assert outbox.broker_unreachable(OperationalError("Error 111 connecting"))
    assert outbox.broker_unreachable(ConnectionRefusedError())
    wrapped = RuntimeError("Retry limit exceeded while trying to reconnect to the Celery result store")
    wrapped.__cause__ = ConnectionError()
    assert outbox.broker_unreachable(wrapped)
    assert not outbox.broker_unreachable(RuntimeError("a bug"))
    assert not outbox.broker_unreachable(TypeError("bad arguments"))


def test_eager_tasks_never_touch_the_outbox():
    assert app.conf.task_always_eager
    assert "database" in worker_check.delay().get()
    assert not QueuedTask.objects.exists()
