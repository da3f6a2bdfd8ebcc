"""Issue 7, faults: Redis stopped. The pages, the API and the imports keep working; tasks wait and then run.

The app runs as in production, in its own processes: gunicorn, a Celery
worker and beat, with the broker, result store and cache on a redis-server
this test owns. The test stops that Redis, uses the app as HR, a manager
and the case system would, starts Redis again and watches the work that
could not be sent (kept in `core.QueuedTask`, the outbox) get done.
"""

import datetime as dt
import subprocess
import sys
import time

import pytest
import requests
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from core.access import AccessGroup
from core.models import QueuedTask
from dashboard.models import SummaryRun
from dashboard.services import summary_rebuild
from imports.models import ImportBatch, ImportStatus
from imports.views import QUEUED_OFFLINE
from integrations.services import api_client_issue
from tests.factories import UserFactory
from tests.reminders.helpers import manager_of, officer_due_on
from tests.servers import ROOT, wait_for
from tests.services import database_url_of_test_db
from training.models import TrainingRecord

from .app import app_on_redis

pytestmark = pytest.mark.django_db(transaction=True)
HEADER = "employee_number,course,completed_on,provider\n"
# Redis down costs a request about a second once per process (Celery's retries), then
# nothing for a while (core.outbox); a page must never wait anything like the 30 s timeout.
QUICK = 8.0


def training_csv(employee_number: str, course: str, rows: int, first: dt.date) -> bytes:
    lines = [f"{employee_number},{course},{first + dt.timedelta(days=i)},Acme\n" for i in range(rows)]
    return (HEADER + "".join(lines)).encode()


def signed_in(base: str, user) -> requests.Session:
    """A browser session for `user` on the gunicorn app (the session row is in the shared database)."""
    client = Client()
    client.force_login(user)  # tests/conftest.py: HR passes the second factor too
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.base = base
    return session


def get(session, path: str, **kwargs) -> requests.Response:
    started = time.monotonic()
    response = session.get(session.base + path, timeout=30, **kwargs)
    assert time.monotonic() - started < QUICK, f"GET {path} took {time.monotonic() - started:.1f} s"
    return response


def post(session, path: str, **kwargs) -> requests.Response:
    token = session.cookies.get("csrftoken")
    assert token, "no CSRF cookie yet: GET a page with a form first"
    started = time.monotonic()
    response = session.post(
        session.base + path, headers={"X-CSRFToken": token}, allow_redirects=False, timeout=30, **kwargs
    )
    assert time.monotonic() - started < QUICK, f"POST {path} took {time.monotonic() - started:.1f} s"
    return response


def upload(hr, content: bytes, name: str) -> ImportBatch:
    response = post(
        hr,
        "/imports/training/upload/",
        data={"encoding": "auto"},
        files={"file": (name, content, "text/csv")},
    )
    assert response.status_code == 302, response.text[:2000]
    return ImportBatch.objects.get(pk=int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1]))


@pytest.fixture
def organisation():
    call_command("loaddata", "reference", verbosity=0)
    today = timezone.localdate()
    manager, team = manager_of("North", "nora")
    late = officer_due_on(today - dt.timedelta(days=20), team=team, employee_number="R1", last_name="Latimer")
    hr = UserFactory(username="harriet")
    hr.groups.add(Group.objects.get_or_create(name=AccessGroup.HR)[0])
    _, key = api_client_issue(name="case-system")
    # Last night's figures are missing (yesterday's are the latest): the dashboard asks for today's.
    summary_rebuild(day=today - dt.timedelta(days=1))
    return {"manager": manager, "hr": hr, "late": late, "key": key, "today": today}


@pytest.fixture
def app_on_private_redis(private_redis, tmp_path):
    """gunicorn, a worker and beat, all on the test's own Redis (broker, results and cache)."""
    with app_on_redis(
        "redis", private_redis, tmp_path, database_url_of_test_db(), IMPORT_BACKGROUND_ROWS="50"
    ) as app:
        yield app


def test_redis_stopped_pages_api_and_imports_work_and_queued_tasks_run_when_it_returns(
    organisation, app_on_private_redis, private_redis, tmp_path
):
    app = app_on_private_redis
    base, key, today = app["base"], organisation["key"], organisation["today"]
    manager = signed_in(base, organisation["manager"])
    hr = signed_in(base, organisation["hr"])
    api = requests.Session()
    api.headers["Authorization"] = f"Token {key}"
    api.base = base
    assert get(api, "/api/v1/eligibility/R1/?case_type=hate_crime").status_code == 200

    private_redis.stop()

    # A manager's pages: the dashboard (which asks for today's figures: a task) and the overdue list.
    home = get(manager, "/")
    assert home.status_code == 200
    assert "being worked out" in home.text  # yesterday's figures, said so
    overdue = get(manager, "/overdue/")
    assert overdue.status_code == 200
    assert "Latimer" in overdue.text

    # The case system's API (its throttle counts in the cache, which was Redis).
    answer = get(api, "/api/v1/eligibility/R1/?case_type=hate_crime")
    assert answer.status_code == 200, answer.text
    assert answer.json()["employee_number"] == "R1"
    assert "eligible" in answer.json()

    # HR: the upload page, a small import (checked and written in the request) ...
    assert get(hr, "/imports/training/upload/").status_code == 200
    small = upload(hr, training_csv("R1", "BTEC2-CSC", 3, dt.date(2019, 3, 1)), "small.csv")
    small.refresh_from_db()
    assert (small.status, small.created) == (ImportStatus.DONE, 3)
    assert get(hr, f"/imports/{small.pk}/").status_code == 200
    confirmed = post(hr, f"/imports/{small.pk}/confirm/")
    assert confirmed.status_code == 302
    assert (
        TrainingRecord.objects.filter(course__code="BTEC2-CSC", colleague__employee_number="R1").count() == 4
    )

    # ... and a large one, which the worker must check: it waits, and the page says so plainly.
    big = upload(hr, training_csv("R1", "SHUK-HATE", 120, dt.date(2020, 1, 1)), "big.csv")
    page = get(hr, f"/imports/{big.pk}/")
    assert page.status_code == 200
    assert QUEUED_OFFLINE.split(".")[0] in page.text
    progress = get(hr, f"/imports/{big.pk}/progress/").json()
    assert (progress["status"], progress["finished"], progress["queued_offline"]) == ("queued", False, True)

    # The command line imports as ever.
    path = tmp_path / "command.csv"
    path.write_bytes(training_csv("R1", "HC-REFRESHER", 5, dt.date(2018, 6, 1)))
    command = subprocess.run(
        [sys.executable, "manage.py", "import_training", str(path)],
        cwd=ROOT,
        env=app["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert command.returncode == 0, command.stderr
    assert command.stdout.splitlines()[-1] == "created 5, updated 0, unchanged 0"

    # Readiness tells the load balancer and the operator what is wrong.
    ready = get(api, "/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["broker"].startswith("unreachable")

    # What could not be sent is kept, in the database.
    kept = sorted(QueuedTask.objects.values_list("task_name", flat=True).distinct())
    assert kept == ["dashboard.tasks.summary_rebuild", "imports.tasks.import_batch_run"]
    assert QueuedTask.objects.get(task_name="imports.tasks.import_batch_run").task_id == big.task_id
    assert app["web"].alive() and app["worker"].alive() and app["beat"].alive()

    private_redis.start()

    # Beat sends the outbox once Redis answers; the worker checks the file and rebuilds the figures.
    def done() -> bool:
        big.refresh_from_db()
        return big.finished and not QueuedTask.objects.exists()

    wait_for(done, 120, "the queued import checked and the outbox empty", interval=0.5)
    assert (big.status, big.created) == (ImportStatus.DONE, 120)
    wait_for(lambda: SummaryRun.objects.filter(computed_for=today).exists(), 60, "today's figures")
    assert "being worked out" not in get(manager, "/").text

    # The large file, confirmed now Redis is back, is written by the worker.
    get(hr, f"/imports/{big.pk}/")
    written = post(hr, f"/imports/{big.pk}/confirm/")
    final = ImportBatch.objects.get(pk=int(written.headers["Location"].rstrip("/").rsplit("/", 1)[1]))
    wait_for(lambda: ImportBatch.objects.get(pk=final.pk).finished, 120, "the confirmed import")
    final.refresh_from_db()
    assert (final.status, final.created) == (ImportStatus.DONE, 120)
    assert TrainingRecord.objects.filter(course__code="SHUK-HATE").count() == 120
    assert get(api, "/api/v1/eligibility/R1/?case_type=hate_crime").status_code == 200
