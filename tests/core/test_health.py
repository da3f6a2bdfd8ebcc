import pytest
from django.test import override_settings

from config.celery import app as celery_app
from core.observability import request_id_var
from core.tasks import worker_check
from tests.services import worker_broker_url


@pytest.fixture
def broker(settings):
    """Point the app at a broker for the duration of a test, then put it back."""
    previous = celery_app.conf.broker_url

    def use(url):
        settings.CELERY_BROKER_URL = url
        celery_app.conf.broker_url = url

    yield use
    celery_app.conf.broker_url = previous


def test_healthz_answers_without_a_database(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_readyz_ready_with_database_and_real_redis(client, broker):
    broker(worker_broker_url())
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "checks": {"database": "ok", "broker": "ok", "changes": "ok"}},
    )


@pytest.mark.django_db
def test_readyz_unavailable_when_the_broker_is_down(client, broker):
    broker("redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("unreachable")
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="")
def test_readyz_without_a_broker_runs_tasks_in_process(client):
    assert client.get("/readyz").json()["checks"]["broker"] == "not configured: tasks run in-process"


def test_request_id_is_returned_and_a_sane_incoming_one_kept(client):
    mine = client.get("/healthz", headers={"X-Request-ID": "case-sys-42"})
    assert mine["X-Request-ID"] == "case-sys-42"
    hostile = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert len(hostile["X-Request-ID"]) == 32
    assert hostile["X-Request-ID"] != "<script>alert(1)</script>"


@pytest.mark.worker
def test_request_id_travels_into_the_task_on_a_real_worker(celery_worker):
    token = request_id_var.set("req-abc-123")
    try:
        result = worker_check.delay().get(timeout=30)
    finally:
        request_id_var.reset(token)
    assert result["request_id"] == "req-abc-123"
