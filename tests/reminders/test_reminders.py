"""Reminders to colleagues: each stage once, on its day, from the one engine (tasks run in-process)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reminders.models import Reminder, ReminderStage
from reminders.tasks import colleague_reminders_send_task, reminders_send_due
from tests.factories import ColleagueFactory

from .helpers import exempt, morning, officer_due_on

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 6, 15)
S = ReminderStage


@pytest.fixture
def run_daily(django_capture_on_commit_callbacks):
    """Run the daily task as beat would at 07:00 on `day` (twice when asked); the emails it sent."""

    def run(day: dt.date, times: int = 1) -> list:
        before = len(mail.outbox)
        with time_machine.travel(morning(day), tick=False):
            for _ in range(times):
                with django_capture_on_commit_callbacks(execute=True):
                    reminders_send_due.delay()
        return mail.outbox[before:]

    return run


def test_reminders_each_stage_once_walking_day_by_day(reference, settings, run_daily):
    settings.SITE_URL = "https://training.example.org"
    colleague = officer_due_on(DUE, employee_number="E501", first_name="Ada")
    sent = {}
    for offset in range(-100, 23):
        day = DUE + dt.timedelta(days=offset)
        # Twice on the days something is due: a second run (or a second beat) sends nothing more.
        messages = run_daily(day, times=2 if offset in (-90, -30, -7, 1, 8) else 1)
        if messages:
            sent[offset] = [m.subject for m in messages]
    assert sent == {
        -90: ["Reminder: your hate-crime training is due by 15 Jun 2026"],
        -30: ["Reminder: your hate-crime training is due by 15 Jun 2026"],
        -7: ["Reminder: your hate-crime training is due by 15 Jun 2026"],
        1: ["Overdue: your hate-crime training"],
        8: ["Overdue: your hate-crime training"],
        15: ["Overdue: your hate-crime training"],
        22: ["Overdue: your hate-crime training"],
    }
    assert list(
        Reminder.objects.order_by("sent_on").values_list("sent_on", "stage", "overdue_week", "due_date")
    ) == [
        (DUE - dt.timedelta(days=90), S.DUE_IN_90_DAYS, 0, DUE),
        (DUE - dt.timedelta(days=30), S.DUE_IN_30_DAYS, 0, DUE),
        (DUE - dt.timedelta(days=7), S.DUE_IN_7_DAYS, 0, DUE),
        (DUE + dt.timedelta(days=1), S.OVERDUE, 0, DUE),
        (DUE + dt.timedelta(days=8), S.OVERDUE, 1, DUE),
        (DUE + dt.timedelta(days=15), S.OVERDUE, 2, DUE),
        (DUE + dt.timedelta(days=22), S.OVERDUE, 3, DUE),
    ]
    assert {tuple(m.to) for m in mail.outbox} == {(colleague.email,)}


def test_reminder_email_has_text_and_html_with_links_to_the_colleagues_own_page(
    reference, settings, run_daily
):
    settings.SITE_URL = "https://training.example.org/"
    officer_due_on(DUE, employee_number="E502", first_name="Grace")
    [message] = run_daily(DUE - dt.timedelta(days=7))
    html = message.alternatives[0][0]
    link = "https://training.example.org/me/"
    assert message.body.splitlines()[0] == "Dear Grace,"
    assert (
        "- Hate crime refresher every two years (HATE-REFRESHER): due by 15 Jun 2026, in 7 days"
        in message.body
    )
    assert f"Book a session or ask HR (sign in as yourself): {link}" in message.body
    assert f'<a href="{link}">Book a session or ask HR</a>' in html
    assert (
        f'<a href="{link}#req-HATE-REFRESHER">Hate crime refresher every two years (HATE-REFRESHER)</a>'
        in html
    )
    assert "<td>15 Jun 2026</td>" in html


def test_overdue_reminder_counts_the_days(reference, run_daily):
    officer_due_on(DUE)
    [message] = run_daily(DUE + dt.timedelta(days=8))
    assert "was due by 15 Jun 2026, 8 days overdue" in message.body


def test_reminders_all_due_the_same_day_go_in_one_email(reference, run_daily):
    # A new NHO with no training: BTEC-L2 and the refresher both fall due 12 months after starting.
    ColleagueFactory(role="NHO", start_date=dt.date(2025, 6, 15))
    [message] = run_daily(DUE - dt.timedelta(days=30))
    assert message.body.count("due by 15 Jun 2026, in 30 days") == 2
    assert Reminder.objects.count() == 2


def test_reminders_first_run_after_install_sends_no_backlog(reference, run_daily):
    officer_due_on(DUE + dt.timedelta(days=60), employee_number="E601")  # its 90-day stage passed a month ago
    officer_due_on(DUE + dt.timedelta(days=88), employee_number="E602")  # 90-day stage 2 days ago: caught up
    officer_due_on(DUE - dt.timedelta(days=20), employee_number="E603")  # overdue for 20 days: weekly
    messages = run_daily(DUE)
    assert sorted(m.to[0] for m in messages) == ["e602@example.org", "e603@example.org"]
    assert sorted(Reminder.objects.values_list("colleague__employee_number", "stage", "overdue_week")) == [
        ("E602", S.DUE_IN_90_DAYS, 0),
        ("E603", S.OVERDUE, 2),
    ]
    # The rest of that overdue week is quiet; the next week brings the next one.
    assert run_daily(DUE + dt.timedelta(days=1)) == []
    assert [m.to[0] for m in run_daily(DUE + dt.timedelta(days=2))] == ["e603@example.org"]


def test_reminders_leavers_get_nothing(reference, run_daily):
    officer_due_on(DUE, leaving_date=DUE - dt.timedelta(days=40))  # has left
    officer_due_on(DUE, leaving_date=DUE - dt.timedelta(days=1))  # leaves before the due date
    for offset in (-90, -30, -7, 1, 8):
        assert run_daily(DUE + dt.timedelta(days=offset)) == []
    assert Reminder.objects.count() == 0


def test_reminders_exempt_colleagues_get_nothing(reference, run_daily):
    colleague = officer_due_on(DUE)
    exempt(colleague, "HATE-REFRESHER", starts_on=DUE - dt.timedelta(days=120))
    for offset in (-90, -30, -7, 1, 8):
        assert run_daily(DUE + dt.timedelta(days=offset)) == []
    assert Reminder.objects.count() == 0


def test_reminders_colleague_without_email_gets_nothing(reference, run_daily):
    officer_due_on(DUE, email="")
    assert run_daily(DUE - dt.timedelta(days=7)) == []
    assert Reminder.objects.count() == 0


def test_reminders_new_due_date_starts_its_stages_again(reference, run_daily):
    """An extension moves the due date: the reminders for the new date are new reminders."""
    from compliance.enums import WaiverKind
    from compliance.models import Requirement, Waiver

    colleague = officer_due_on(DUE)
    assert len(run_daily(DUE - dt.timedelta(days=7))) == 1
    new_due = DUE + dt.timedelta(days=37)
    Waiver.objects.create(
        colleague=colleague,
        requirement=Requirement.objects.get(code="HATE-REFRESHER"),
        kind=WaiverKind.EXTENSION,
        reason="Course cancelled",
        approved_by="Head of HR",
        approved_on=DUE - dt.timedelta(days=6),
        new_due_date=new_due,
        original_due_date=DUE,
    )
    assert run_daily(DUE + dt.timedelta(days=1)) == []  # not overdue: extended
    [message] = run_daily(new_due - dt.timedelta(days=30))
    assert "due by 22 Jul 2026, in 30 days" in message.body


def test_reminder_send_failure_releases_the_claim_for_a_retry(reference, monkeypatch):
    colleague = officer_due_on(DUE)
    day = (DUE - dt.timedelta(days=7)).isoformat()

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("reminders.services.send_templated_mail", refuse)
    with pytest.raises(ConnectionRefusedError):
        colleague_reminders_send_task.apply(args=[colleague.pk, day], retries=5).get()
    assert Reminder.objects.count() == 0
    monkeypatch.undo()
    assert colleague_reminders_send_task.delay(colleague.pk, day).get() == 1
    assert colleague_reminders_send_task.delay(colleague.pk, day).get() == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("count", [1, 50])
def test_daily_task_costs_a_fixed_number_of_queries(reference, count, django_capture_on_commit_callbacks):
    for _ in range(count):
        officer_due_on(DUE)
    with (
        time_machine.travel(morning(DUE - dt.timedelta(days=30)), tick=False),
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks() as callbacks,
    ):
        queued = reminders_send_due.delay().get()
    # The engine: 7 for the catalogue + 6 for the facts of everyone; 1 for the reminders already sent.
    assert (len(queries), queued, len(callbacks)) == (14, count, 1)
