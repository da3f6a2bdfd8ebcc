"""Change events: detection (records, waivers, dates) and signed delivery with retries."""

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine

from compliance.changes import changes_drain
from compliance.models import CaseType
from integrations import webhooks
from integrations.enums import DeliveryStatus
from integrations.models import ApiClient, DeliveryAttempt, EligibilityState, WebhookDelivery
from integrations.services import api_client_issue, webhook_register
from integrations.tasks import eligibility_changes_daily
from integrations.webhooks import eligibility_changes_detect, signature
from tests.factories import record

from .conftest import D, exemption


def london(day: str):
    return time_machine.travel(dt.datetime.fromisoformat(f"{day}T12:00:00+00:00"))


# ---------------------------------------------------------------- detection


@pytest.fixture
def hook(spec_people):
    client, _ = api_client_issue(name="case-system")
    return webhook_register(
        client=client, url="http://127.0.0.1:9/", case_type=CaseType.objects.get(code="hate_crime")
    )


@pytest.mark.django_db
def test_first_answer_is_a_baseline_then_a_passing_due_date_is_an_event(hook):
    assert eligibility_changes_detect(day=D("2026-04-30")) == 0
    assert EligibilityState.objects.count() == 3

    assert eligibility_changes_detect(day=D("2026-04-30")) == 0
    assert eligibility_changes_detect(day=D("2026-05-01")) == 1

    delivery = WebhookDelivery.objects.get()
    assert delivery.webhook == hook
    assert delivery.payload["event"] == "eligibility.changed"
    assert delivery.payload["previous"] == {"eligible": True, "supervision_required": False}
    assert delivery.payload["eligibility"]["employee_number"] == "E990002"
    assert delivery.payload["eligibility"]["eligible"] is False
    assert delivery.payload["eligibility"]["reasons"] == [
        {"code": "overdue", "requirement": "HATE-REFRESHER", "due_date": "2026-04-30"}
    ]
    state = EligibilityState.objects.get(colleague__employee_number="E990002")
    assert (state.eligible, state.checked_on) == (False, D("2026-05-01"))


@pytest.mark.django_db
def test_nothing_is_tracked_without_a_webhook(spec_people):
    assert eligibility_changes_detect(day=D("2026-05-01")) == 0
    assert EligibilityState.objects.count() == 0


@pytest.mark.django_db
def test_a_saved_training_record_sends_an_event(hook, spec_people):
    with london("2026-05-01"):
        changes_drain()  # the set-up's writes: the baseline, no event
        record(spec_people["B"], "HC-REFRESHER", "2026-05-01")
        changes_drain()  # as the worker does every few seconds

    delivery = WebhookDelivery.objects.get()
    assert delivery.payload["previous"] == {"eligible": False, "supervision_required": False}
    assert delivery.payload["eligibility"]["eligible"] is True
    assert delivery.payload["eligibility"]["eligible_until"] == "2028-05-01"


@pytest.mark.django_db
def test_an_approved_waiver_sends_an_event(hook, spec_people):
    with london("2026-05-01"):
        changes_drain()
        exemption(spec_people["B"], "HATE-REFRESHER", starts="2026-05-01")
        changes_drain()

    assert WebhookDelivery.objects.get().payload["eligibility"]["reasons"] == [
        {"code": "exempt", "requirement": "HATE-REFRESHER", "due_date": None}
    ]


@pytest.mark.django_db
def test_the_daily_task_finds_date_driven_changes(hook):
    with london("2026-04-30"):
        eligibility_changes_daily.delay()
    with london("2026-05-01"):
        assert eligibility_changes_daily.delay().get() == 1


def test_signature_is_hmac_sha256_of_timestamp_and_body():
    body = b'{"a":1}'
    expected = hmac.new(b"secret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature("secret", "1700000000", body) == f"sha256={expected}"


# ---------------------------------------------------------------- delivery


class Receiver(ThreadingHTTPServer):
    """A case system's endpoint on a loopback port: answers the statuses given, then 200."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.received = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/hooks/eligibility"
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
def test_change_is_delivered_signed_and_retried_by_the_worker(celery_worker, spec_people):
    client = ApiClient.objects.create(name="case-system", token_hash="h" * 64, token_prefix="h")
    with Receiver([500]) as receiver:
        hook = webhook_register(
            client=client, url=receiver.url, case_type=CaseType.objects.get(code="hate_crime")
        )
        eligibility_changes_detect(day=D("2026-04-30"))
        assert eligibility_changes_detect(day=D("2026-05-01")) == 1

        delivery = WebhookDelivery.objects.get()
        assert wait_for(
            lambda: WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.DELIVERED).exists()
        ), f"not delivered: {list(DeliveryAttempt.objects.values_list('response_status', 'error'))}"

    assert len(receiver.received) == 2
    keys = set()
    for headers, body in receiver.received:
        assert headers["Content-Type"] == "application/json"
        assert headers["X-Webhook-Event"] == "eligibility.changed"
        assert headers["X-Signature-256"] == signature(hook.secret, headers["X-Webhook-Timestamp"], body)
        assert abs(int(headers["X-Webhook-Timestamp"]) - time.time()) < 120
        keys.add(headers["Idempotency-Key"])
        payload = json.loads(body)
        assert payload["id"] == headers["Idempotency-Key"]
        assert payload["eligibility"]["employee_number"] == "E990002"
    assert keys == {str(delivery.idempotency_key)}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.DELIVERED, 2, "")
    assert list(delivery.attempt_log.values_list("number", "response_status")) == [(1, 500), (2, 200)]
    assert delivery.attempt_log.get(number=1).error == "HTTP 500 Internal Server Error"


@pytest.mark.worker
def test_delivery_gives_up_after_the_last_attempt(celery_worker, spec_people, settings):
    client = ApiClient.objects.create(name="case-system", token_hash="g" * 64, token_prefix="g")
    hook = webhook_register(
        client=client, url="http://127.0.0.1:9/nothing-listens-here", case_type=CaseType.objects.get()
    )
    delivery = WebhookDelivery.objects.create(webhook=hook, event="eligibility.changed", payload={"n": 1})
    from integrations.tasks import webhook_deliver

    webhook_deliver.delay(delivery.pk)

    # WEBHOOK_MAX_ATTEMPTS (8) with 1, 2, 4 ... seconds between them is too long for a
    # test: the worker reads the count from the row, so start it near the end.
    assert wait_for(lambda: DeliveryAttempt.objects.filter(delivery=delivery).exists(), 30)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=settings.WEBHOOK_MAX_ATTEMPTS - 2)
    assert wait_for(
        lambda: WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).exists()
    )
    delivery.refresh_from_db()
    assert delivery.attempts == settings.WEBHOOK_MAX_ATTEMPTS
    assert "Connection refused" in delivery.last_error


@pytest.mark.django_db(transaction=True)
def test_two_checks_at_once_announce_a_change_once(hook, monkeypatch):
    """A second beat by mistake, or a record saved during the daily check: one event, not two."""
    from django.db import connections

    queued = []
    monkeypatch.setattr(webhooks, "_enqueue", queued.extend)
    eligibility_changes_detect(day=D("2026-04-30"))  # the baseline
    start = threading.Barrier(2)
    counts, errors = [], []

    def check():
        try:
            start.wait()
            counts.append(eligibility_changes_detect(day=D("2026-05-01")))
        except Exception as e:  # surfaced by the assertion below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=check) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    assert sorted(counts) == [0, 1]
    assert WebhookDelivery.objects.count() == 1
    assert queued == list(WebhookDelivery.objects.values_list("pk", flat=True))
