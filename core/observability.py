"""Request ids carried from the web request into the tasks it enqueues, and task timing logs.

A line in the worker's log can be traced back to the request that caused it:
the web side stamps each request with an id (the caller's X-Request-ID when it
is sane, else a new one), puts it on every log line, returns it in the
response, and adds it to the headers of every task published meanwhile.
"""

import contextlib
import contextvars
import logging
import re
import time
import uuid

from celery import signals

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
task_log = logging.getLogger("tasks")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(rid)
        request.request_id = rid
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = rid
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


@signals.before_task_publish.connect
def _stamp_task(headers=None, **kwargs):
    if headers is not None and request_id_var.get() != "-":
        headers.setdefault("request_id", request_id_var.get())


_started: dict[str, float] = {}
_tokens: dict[str, contextvars.Token] = {}


@signals.task_prerun.connect
def _task_started(task_id=None, task=None, **kwargs):
    rid = getattr(task.request, "request_id", None) or task_id
    # Undone when the task ends: a task run eagerly inside a request (or a test) must not
    # leave its id behind for the request's later log lines and the tasks it publishes next.
    _tokens[task_id] = request_id_var.set(rid)
    _started[task_id] = time.monotonic()
    task_log.info("task start %s", task.name, extra={"task": task.name, "task_id": task_id, "event": "start"})


@signals.task_postrun.connect
def _task_finished(task_id=None, task=None, state=None, **kwargs):
    started = _started.pop(task_id, None)
    duration = round(time.monotonic() - started, 3) if started is not None else None
    task_log.info(
        "task end %s %s in %ss",
        task.name,
        state,
        duration,
        extra={
            "task": task.name,
            "task_id": task_id,
            "event": "end",
            "outcome": state,
            "duration_s": duration,
        },
    )
    # Undone after the end line, so that line too carries the request id.
    token = _tokens.pop(task_id, None)
    if token is not None:
        # ValueError: it ended in another context than it started, so there is nothing of ours to undo.
        with contextlib.suppress(ValueError):
            request_id_var.reset(token)
