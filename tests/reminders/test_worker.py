"""Reminders from a real Celery worker on Redis: each email arrives once, however often it is queued.

The worker runs in its own process, at the real date: tasks are given the
day to work for, as beat's dispatcher gives it to the tasks it queues.
"""

import datetime as dt

import pytest

from reminders.models import ManagerDigest, Reminder
from reminders.tasks import colleague_reminders_send_task, manager_digests_send, reminders_send_due
from tests.services import worker_wait_idle

from .helpers import exempt, manager_of, officer_due_on

pytestmark = pytest.mark.worker
DAY = dt.date(2026, 6, 1)  # a Monday


def plain_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_worker_sends_each_reminder_once_when_queued_twice_at_once(reference, worker_outbox):
    _, team = manager_of("North", "nora")
    seven_days = officer_due_on(DAY + dt.timedelta(days=7), team=team, employee_number="W1")
    overdue = officer_due_on(DAY - dt.timedelta(days=1), team=team, employee_number="W2")
    officer_due_on(DAY + dt.timedelta(days=7), team=team, leaving_date=DAY - dt.timedelta(days=1))
    excused = officer_due_on(DAY + dt.timedelta(days=7), team=team)
    exempt(excused, "HATE-REFRESHER", starts_on=DAY - dt.timedelta(days=30))

    # Two beats at once, and the same colleague's task queued twice more: the
    # two worker processes race for the same claims.
    results = [
        reminders_send_due.delay(DAY.isoformat()),
        reminders_send_due.delay(DAY.isoformat()),
        colleague_reminders_send_task.delay(seven_days.pk, DAY.isoformat()),
        colleague_reminders_send_task.delay(seven_days.pk, DAY.isoformat()),
    ]
    outcomes = [r.get(timeout=60) for r in results]
    worker_wait_idle()

    sent = worker_outbox()
    assert sorted(m["To"] for m in sent) == ["w1@example.org", "w2@example.org"]
    by_to = {m["To"]: m for m in sent}
    assert by_to["w1@example.org"]["Subject"] == "Reminder: your hate-crime training is due by 8 Jun 2026"
    assert "due by 8 Jun 2026, in 7 days" in plain_text(by_to["w1@example.org"])
    assert "was due by 31 May 2026, 1 day overdue" in plain_text(by_to["w2@example.org"])
    assert sorted(Reminder.objects.values_list("colleague_id", "stage")) == sorted(
        [(seven_days.pk, "due_in_7_days"), (overdue.pk, "overdue")]
    )
    # How many each beat queued depends on the race: a beat that reads the
    # sent reminders after another task's send leaves that colleague out. So
    # each beat queued at most the two, and W2 (queued by beats only) was
    # queued by at least one. The direct tasks for W1 covered it once at most.
    assert all(0 <= n <= 2 for n in outcomes[:2]) and max(outcomes[:2]) >= 1
    assert sum(outcomes[2:]) <= 1
    # Once all is sent, a later beat the same day has nobody left to queue.
    assert reminders_send_due.delay(DAY.isoformat()).get(timeout=60) == 0
    worker_wait_idle()
    assert len(worker_outbox()) == 2


def test_worker_sends_one_digest_per_manager_per_week(reference, worker_outbox):
    _, team = manager_of("North", "nora")
    officer_due_on(DAY - dt.timedelta(days=3), team=team)
    _, south = manager_of("South", "sid")
    officer_due_on(DAY + dt.timedelta(days=10), team=south)

    for r in [manager_digests_send.delay(DAY.isoformat()) for _ in range(2)]:
        assert r.get(timeout=60) == 2  # each run queues both managers
    worker_wait_idle()
    later = manager_digests_send.delay((DAY + dt.timedelta(days=3)).isoformat())
    assert later.get(timeout=60) == 2
    worker_wait_idle()

    assert sorted((m["To"], m["Subject"]) for m in worker_outbox()) == [
        ("nora@example.org", "Your teams this week: 1 overdue, 0 due in the next 30 days"),
        ("sid@example.org", "Your teams this week: 0 overdue, 1 due in the next 30 days"),
    ]
    assert ManagerDigest.objects.count() == 2
