"""A task run in-process leaves the caller's request id as it found it."""

from core.observability import request_id_var
from core.tasks import worker_check


def test_an_eager_task_does_not_leave_its_id_behind(db):
    assert request_id_var.get() == "-"
    worker_check.delay()
    assert request_id_var.get() == "-"
    token = request_id_var.set("web-request-1")
    try:
        worker_check.delay()
        assert request_id_var.get() == "web-request-1"
    finally:
        request_id_var.reset(token)
