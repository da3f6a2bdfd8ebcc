"""Tasks survive a broker outage: a task that cannot be sent is kept in the database and sent later.

Every task of the app is an `OutboxTask` (config/celery.py). Sending one
while Redis is down would otherwise fail the page, the import or the
scheduled job that asked for it, after the commit that made it necessary
(the task is sent from `transaction.on_commit`): a 500 for data that was in
fact saved, and work that never happens. Instead the send is written to
`core.QueuedTask`, and `outbox_drain` (beat, every OUTBOX_DRAIN_SECONDS)
sends it once Redis is back, with the same task id, so a page waiting on
that id (an import's progress) picks it up.

Sending to the outbox keeps each task's own guarantees: a drained task may
arrive twice (sent, then the process dies before deleting its row), which
every task already tolerates because a redelivery under `acks_late` can do
the same (claims, finished batches, idempotent refreshes).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid

from celery import Task
from celery.result import AsyncResult

logger = logging.getLogger(__name__)

# After a failed send, this process writes straight to the outbox for this long rather
# than paying Celery's connection retries (about a second) on every request.
BROKER_DOWN_SECONDS = 10.0
_down_until = 0.0


def broker_unreachable(exc: BaseException) -> bool:
    """Whether `exc` means the broker or result store could not be reached (not a bug in the call)."""
    from kombu.exceptions import OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    unreachable = (OperationalError, RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
    if isinstance(exc, unreachable):
        return True
    # Celery's Redis result consumer gives up on its reconnection with a RuntimeError
    # ("Retry limit exceeded ... result store") raised from the connection error.
    return isinstance(exc, RuntimeError) and isinstance(exc.__cause__, unreachable)


def _describe(exc: BaseException) -> str:
    # The result store's RuntimeError says "restart the app", which is not true here: name the cause.
    if isinstance(exc, RuntimeError) and exc.__cause__ is not None:
        exc = exc.__cause__
    return f"{type(exc).__name__}: {exc}".strip()[:2000]


def broker_marked_down() -> bool:
    return time.monotonic() < _down_until


def _mark_down() -> None:
    global _down_until
    _down_until = time.monotonic() + BROKER_DOWN_SECONDS


class OutboxTask(Task):
    """A Celery task whose `apply_async` keeps the send in the database when the broker is down."""

    # False for tasks that must not pile up while Redis is down (the drain itself: beat asks again).
    outbox = True

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None, **options):
        keepable = (
            self.outbox
            and not self.app.conf.task_always_eager
            and link is None
            and options.get("link_error") is None
            and options.get("chain") is None
        )
        if keepable and broker_marked_down():
            return self._keep(args, kwargs, task_id, options, "the broker was unreachable moments ago")
        try:
            return super().apply_async(args, kwargs, task_id=task_id, producer=producer, link=link, **options)
        except Exception as exc:
            if not (keepable and broker_unreachable(exc)):
                raise
            _mark_down()
            return self._keep(args, kwargs, task_id, options, _describe(exc))

    def _keep(self, args, kwargs, task_id, options, reason: str) -> AsyncResult:
        from django.db import transaction
        from django.utils import timezone

        from .models import QueuedTask

        task_id = task_id or str(uuid.uuid4())
        eta = options.get("eta")
        if isinstance(eta, str):
            eta = dt.datetime.fromisoformat(eta)
        if eta is None and options.get("countdown"):
            # The delay counts from now, not from whenever Redis is back.
            eta = timezone.now() + dt.timedelta(seconds=float(options["countdown"]))
        # Its own (sub)transaction: an enqueue made inside an atomic block that later
        # fails still rolls back with it, as its send would never have been wanted.
        with transaction.atomic():
            QueuedTask.objects.create(
                task_name=self.name,
                args=list(args or ()),
                kwargs=dict(kwargs or {}),
                task_id=task_id,
                eta=eta,
                queue=str(options.get("queue") or ""),
                last_error=reason[:2000],
            )
        logger.warning("broker unreachable: task %s %s kept in the outbox (%s)", self.name, task_id, reason)
        return AsyncResult(task_id, app=self.app)


def task_waiting_in_outbox(task_id: str | None) -> bool:
    """Whether this task is still waiting in the outbox (not yet handed to the broker)."""
    from .models import QueuedTask

    return bool(task_id) and QueuedTask.objects.filter(task_id=task_id).exists()


def outbox_drain(*, limit: int = 1000) -> int:
    """Send the tasks kept while the broker was down, oldest first; how many were sent.

    Each row is locked (SKIP LOCKED: two drains at once share the work), sent,
    and deleted in its own transaction. A send that fails leaves its row and
    stops the drain: the broker is down again, and the next run tries again.
    """
    from celery import current_app
    from django.db import transaction

    from .models import QueuedTask

    sent = 0
    for pk in list(QueuedTask.objects.order_by("pk").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            row = QueuedTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                continue  # another drain has it, or sent it already
            task = current_app.tasks[row.task_name]
            options = {"task_id": row.task_id, "eta": row.eta}
            if row.queue:
                options["queue"] = row.queue
            try:
                # The plain Celery send, not OutboxTask's: a failure here must not add a second row.
                Task.apply_async(task, row.args, row.kwargs, **options)
            except Exception as exc:
                if not broker_unreachable(exc):
                    raise
                QueuedTask.objects.filter(pk=pk).update(attempts=row.attempts + 1, last_error=_describe(exc))
                logger.warning("outbox: broker still unreachable after %s sent", sent)
                break
            row.delete()
            sent += 1
    if sent:
        logger.info("outbox: %s queued task(s) sent", sent)
    return sent
