from celery import shared_task

from core.observability import request_id_var


@shared_task(name="tests.core.echo_request_id")
def echo_request_id() -> str:
    return request_id_var.get()


def test_task_run_in_process_gives_the_caller_its_request_id_back():
    token = request_id_var.set("req-web-1")
    try:
        result = echo_request_id.delay()
        assert (result.get(), request_id_var.get()) == (result.id, "req-web-1")
    finally:
        request_id_var.reset(token)
    # Outside a request too: the task's id must not stay behind to stamp the next task published.
    result = echo_request_id.delay()
    assert (result.get(), request_id_var.get()) == (result.id, "-")
