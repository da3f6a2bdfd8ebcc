"""Issue 15: an import that changes eligibility reaches the case system within a minute, once per officer.

The app runs as in production (gunicorn, a Celery worker and beat on a Redis
this test owns). A command-line import writes through COPY, which sends no
Django signal: the change triggers record it, beat's drain queues one signed
event per officer whose answer changed, and the worker delivers it to a real
HTTP receiver. With Redis stopped, a page read applies the change itself and
the delivery waits in the outbox until Redis is back.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from compliance.changes import changes_drain
from compliance.models import CaseType
from core.access import AccessGroup
from core.models import QueuedTask
from integrations.models import WebhookDelivery
from integrations.services import api_client_issue, webhook_register
from integrations.webhooks import signature
from tests.factories import UserFactory
from tests.integrations.test_webhooks import Receiver
from tests.reminders.helpers import officer_due_on
from tests.servers import ROOT, wait_for
from tests.services import database_url_of_test_db

from .app import app_on_redis
from .test_redis_down import get, signed_in

pytestmark = pytest.mark.django_db(transaction=True)
HEADER = "employee_number,course,completed_on,provider\n"


@pytest.fixture
def officers():
    """Three officers whose refreshers lapsed last month (not eligible), and one who is."""
    call_command("loaddata", "reference", verbosity=0)
    today = timezone.localdate()
    lapsed = [
        officer_due_on(today - dt.timedelta(days=30), employee_number=f"W{i}", last_name=f"Lapsed{i}")
        for i in (1, 2, 3)
    ]
    officer_due_on(today + dt.timedelta(days=300), employee_number="W4", last_name="Current")
    hr = UserFactory(username="harriet")
    hr.groups.add(Group.objects.get_or_create(name=AccessGroup.HR)[0])
    return {"today": today, "lapsed": lapsed, "hr": hr}


@pytest.fixture
def receiver():
    with Receiver([]) as r:
        yield r


@pytest.fixture
def hook(officers, receiver):
    client, _ = api_client_issue(name="case-system")
    hook = webhook_register(
        client=client, url=receiver.url, case_type=CaseType.objects.get(code="hate_crime")
    )
    changes_drain()  # everyone's answer today is the baseline: no event
    assert not WebhookDelivery.objects.exists()
    return hook


@pytest.fixture
def app(private_redis, tmp_path):
    with app_on_redis(
        "changes", private_redis, tmp_path, database_url_of_test_db(), CHANGES_DRAIN_SECONDS="1"
    ) as app:
        yield app


def import_training(app, tmp_path, rows: list[str], name: str) -> None:
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows))
    done = subprocess.run(
        [sys.executable, "manage.py", "import_training", str(path)],
        cwd=ROOT,
        env=app["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def events(receiver, hook) -> dict[str, dict]:
    """Each event received, by employee number, its signature checked."""
    out = {}
    for headers, body in receiver.received:
        assert headers["X-Signature-256"] == signature(hook.secret, headers["X-Webhook-Timestamp"], body)
        payload = json.loads(body)
        number = payload["eligibility"]["employee_number"]
        assert number not in out, f"{number} announced twice"
        out[number] = payload
    return out


def test_an_import_queues_one_signed_event_per_changed_officer_and_waits_out_redis(
    officers, hook, receiver, app, private_redis, tmp_path
):
    today = officers["today"]
    yesterday = (today - dt.timedelta(days=1)).isoformat()

    # Two of the lapsed officers renew; W4's extra record changes nothing about her answer.
    import_training(
        app,
        tmp_path,
        [
            f"W1,HC-REFRESHER,{yesterday},SHUK",
            f"W2,SHUK-HATE,{yesterday},SHUK",
            f"W4,SHUK-HATE,{yesterday},SHUK",
        ],
        "renewals.csv",
    )
    wait_for(lambda: len(receiver.received) >= 2, 60, "two events delivered", interval=0.5)
    received = events(receiver, hook)
    assert set(received) == {"W1", "W2"}
    for payload in received.values():
        assert payload["previous"]["eligible"] is False
        assert payload["eligibility"]["eligible"] is True

    # Redis stops. The next import is recorded by the triggers all the same; HR's page applies it
    # (one colleague) and the delivery it queues is kept in the outbox.
    private_redis.stop()
    import_training(app, tmp_path, [f"W3,HC-REFRESHER,{yesterday},SHUK"], "late.csv")
    hr = signed_in(app["base"], officers["hr"])
    assert get(hr, "/overdue/").status_code == 200
    wait_for(
        lambda: QueuedTask.objects.filter(task_name="integrations.tasks.webhook_deliver").exists(),
        30,
        "the delivery kept in the outbox",
    )
    assert len(receiver.received) == 2

    private_redis.start()
    wait_for(lambda: len(receiver.received) >= 3, 60, "the kept delivery sent", interval=0.5)
    received = events(receiver, hook)
    assert set(received) == {"W1", "W2", "W3"}
    # Nothing more to say: a second look finds every answer announced once.
    wait_for(lambda: not QueuedTask.objects.exists(), 30, "the outbox empty")
    assert WebhookDelivery.objects.count() == 3
