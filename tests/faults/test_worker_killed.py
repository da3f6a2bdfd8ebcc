"""Issue 7, faults: a Celery worker killed in the middle of the reminder task loses no reminder, sends none twice.

A real worker sends the reminders to a real SMTP server (aiosmtpd) that the
test owns. The server holds the first conversation after RCPT TO, so the
worker is known to be mid-send (its claims made, the email not yet taken)
when the test SIGKILLs it: the pool process only (the worker requeues its
task at once: `task_reject_on_worker_lost`), or the whole worker (the task
goes back to the queue after the broker's visibility timeout, and a new
worker takes it). Each due reminder must then arrive exactly once.
"""

import datetime as dt
import os
import signal
import subprocess
import time
import uuid

import pytest
from django.core.management import call_command

from reminders.models import Reminder
from tests.reminders.helpers import manager_of, officer_due_on
from tests.servers import ROOT, celery_command, wait_for
from tests.services import database_url_of_test_db

from .app import app_env, celery_worker

pytestmark = pytest.mark.django_db(transaction=True)
DAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize("killed", ["pool process", "whole worker"])
def test_worker_killed_mid_send_loses_no_reminder_and_sends_none_twice(private_redis, smtp_sink, killed):
    call_command("loaddata", "reference", verbosity=0)
    _, team = manager_of("North", "nora")
    due = {
        officer_due_on(DAY + dt.timedelta(days=7), team=team, employee_number="K1").email: "due_in_7_days",
        officer_due_on(DAY - dt.timedelta(days=1), team=team, employee_number="K2").email: "overdue",
        officer_due_on(DAY + dt.timedelta(days=30), team=team, employee_number="K3").email: "due_in_30_days",
    }
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    env = app_env(
        DATABASE_URL=database_url_of_test_db(),
        CELERY_BROKER_URL=private_redis.url(0),
        CELERY_RESULT_BACKEND=private_redis.url(0),
        CELERY_TASK_DEFAULT_QUEUE=queue,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_sink.port}",
        # A whole worker's unacknowledged task returns to the queue this soon (an hour in production).
        CELERY_VISIBILITY_TIMEOUT="5",
    )
    workers = [celery_worker("reminders-worker-1", env, queue)]
    try:
        wait_for(lambda: " ready." in workers[0].log(), 120, "the worker ready")
        smtp_sink.hold_next()
        # What beat does at 07:00: the daily dispatcher, which queues one task per colleague.
        subprocess.run(
            celery_command("call", "reminders.send_due", "--args", f'["{DAY}"]'),
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )

        wait_for(smtp_sink.held.is_set, 120, "the worker in the middle of sending a reminder")
        # Mid-send the claims exist only in the worker's open transaction.
        assert Reminder.objects.count() == 0
        [pool_process] = workers[0].children()
        if killed == "pool process":
            os.kill(pool_process, signal.SIGKILL)
        else:
            workers[0].stop(signal.SIGKILL)  # the main process and its pool, at once
            workers.append(celery_worker("reminders-worker-2", env, queue))
        smtp_sink.release()

        wait_for(lambda: len(smtp_sink.messages()) >= 3, 120, "three reminders received")
        # Anything sent twice would arrive now: the killed task is run again by then.
        time.sleep(3)
        received = sorted(m["To"] for _, m in smtp_sink.messages())
        assert received == sorted(due)
        assert len({m["Message-ID"] for _, m in smtp_sink.messages()}) == 3
        assert sorted(Reminder.objects.values_list("colleague__email", "stage")) == sorted(due.items())
        if killed == "pool process":
            assert "exited with 'signal 9 (SIGKILL)'" in workers[0].log()
    finally:
        for worker in workers:
            worker.stop()
