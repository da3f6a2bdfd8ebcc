"""Reminders to the policy's owner: 180, 90 and 30 days before the review, weekly while overdue, once each."""

import datetime as dt

import pytest
from django.core import mail

from core.access import AccessGroup
from policies.models import Policy, Post, ReviewReminder
from policies.reminders import review_reminders_send
from policies.tasks import policy_review_reminders_send

from .helpers import make_policy, post_held_by, user_in

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def hhp(reference):
    director = user_in(
        AccessGroup.POLICY_OWNER, username="director", email="director@example.org", first_name="Dee"
    )
    post_held_by(director)
    return Policy.objects.get(slug="hate-harassment")  # review due 06/02/2029


def run(day: dt.date) -> list[tuple[str, str]]:
    mail.outbox.clear()
    sent = review_reminders_send(day=day)
    assert [(s.to, s.stage) for s in sent] == [
        (m.to[0], s.stage) for m, s in zip(mail.outbox, sent, strict=True)
    ]
    return [(s.stage, m.subject) for s, m in zip(sent, mail.outbox, strict=True)]


def test_each_stage_is_sent_once_on_its_day(hhp):
    assert run(D(2028, 8, 9)) == []  # 181 days before
    assert run(D(2028, 8, 10)) == [
        ("180", "The Hate Harassment Policy review is due in 180 days (6 Feb 2029)")
    ]
    assert run(D(2028, 8, 10)) == []
    assert run(D(2028, 9, 30)) == []
    assert run(D(2028, 11, 8)) == [("90", "The Hate Harassment Policy review is due in 90 days (6 Feb 2029)")]
    assert run(D(2029, 1, 7)) == [("30", "The Hate Harassment Policy review is due in 30 days (6 Feb 2029)")]
    assert run(D(2029, 2, 6)) == []  # the day itself is still the 30-day stage
    assert run(D(2029, 2, 7)) == [
        ("overdue-1", "Overdue: the Hate Harassment Policy review was due on 6 Feb 2029")
    ]
    assert run(D(2029, 2, 13)) == []
    assert run(D(2029, 2, 14)) == [
        ("overdue-2", "Overdue: the Hate Harassment Policy review was due on 6 Feb 2029")
    ]
    assert list(ReviewReminder.objects.values_list("stage", "sent_to")) == [
        ("180", "director@example.org"),
        ("90", "director@example.org"),
        ("30", "director@example.org"),
        ("overdue-1", "director@example.org"),
        ("overdue-2", "director@example.org"),
    ]


def test_reminder_email_tells_the_owner_what_to_do(hhp, settings):
    settings.SITE_URL = "https://training.example.org"
    mail.outbox.clear()
    review_reminders_send(day=D(2028, 11, 8))
    [message] = mail.outbox
    assert message.to == ["director@example.org"]
    assert message.body.startswith("Dear Dee,\n")
    assert "due on 6 Feb 2029, in 90 days" in message.body
    assert "You receive this as Communities Director, the policy's owner." in message.body
    assert "https://training.example.org/policies/hate-harassment/" in message.body
    assert 'href="https://training.example.org/policies/hate-harassment/"' in message.alternatives[0][0]


def test_first_run_after_install_sends_where_things_stand_not_the_backlog(hhp):
    # Installed 100 days after the review date: 180, 90, 30 and 14 weekly stages have passed unsent.
    assert run(D(2029, 5, 17)) == [
        ("overdue-15", "Overdue: the Hate Harassment Policy review was due on 6 Feb 2029")
    ]
    assert run(D(2029, 5, 18)) == []
    assert ReviewReminder.objects.count() == 1


def test_missed_stage_is_superseded_not_sent_late(hhp):
    # The scheduler was down for the whole 180-day stage: the 90-day reminder is the next one sent.
    assert [stage for stage, _ in run(D(2028, 11, 10))] == ["90"]
    assert [stage for stage, _ in run(D(2028, 11, 11))] == []


def test_vacant_post_sends_nothing_until_someone_holds_it(hhp):
    Post.objects.filter(code="communities-director").update(holder=None)
    assert run(D(2028, 8, 10)) == []
    holder = user_in(AccessGroup.POLICY_OWNER, username="new-director", email="new@example.org")
    Post.objects.filter(code="communities-director").update(holder=holder)
    assert [stage for stage, _ in run(D(2028, 8, 11))] == ["180"]


def test_new_review_date_starts_the_stages_again(hhp):
    assert [s for s, _ in run(D(2029, 1, 7))] == ["30"]
    Policy.objects.filter(pk=hhp.pk).update(
        next_review_override=D(2029, 3, 1), next_review_override_reason="Board meets in March"
    )
    assert [s for s, _ in run(D(2029, 1, 8))] == ["90"]


def test_failed_send_gives_the_claim_back(hhp, monkeypatch):
    def broken(**kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("policies.reminders.send_templated_mail", broken)
    assert review_reminders_send(day=D(2028, 8, 10)) == []
    assert ReviewReminder.objects.count() == 0
    monkeypatch.undo()
    assert [s for s, _ in run(D(2028, 8, 11))] == ["180"]


def test_unpublished_or_undated_policies_get_no_reminders(reference):
    owner = user_in(AccessGroup.POLICY_OWNER, email="o@example.org")
    post = post_held_by(owner, title="Housing Director")
    Policy.objects.filter(slug="tenancy").update(owner_post=post)  # not published, no date
    make_policy("draft", owner=post, forum_endorsed_on=None)
    assert review_reminders_send(day=D(2029, 2, 7)) == []


def test_beat_runs_the_reminders_daily():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["policy-review-reminders"]
    assert (entry["task"], str(entry["schedule"])) == (
        "policies.tasks.policy_review_reminders_send",
        "<crontab: 30 7 * * * (m/h/dM/MY/d)>",
    )


# On a real Celery worker, against Redis and the test database.


@pytest.mark.worker
def test_reminders_go_once_per_stage_from_a_real_worker(celery_worker, worker_outbox):
    owner = user_in(AccessGroup.POLICY_OWNER, username="owner", email="owner@example.org")
    post = post_held_by(owner)
    make_policy("hate-harassment", owner=post)  # Policy Forum 06/02/2026: review due 06/02/2029
    make_policy("tenancy", owner=post, forum_endorsed_on=dt.date(2026, 5, 1))  # due 01/05/2029

    def run_twice_at_once(day: str) -> int:
        # Two copies of the task at once on the worker's two processes: each email goes once between them.
        first, second = (policy_review_reminders_send.delay(day=day) for _ in range(2))
        return first.get(timeout=60) + second.get(timeout=60)

    assert run_twice_at_once("2028-08-10") == 1  # 180 days before the Hate Harassment review
    assert run_twice_at_once("2028-08-11") == 0
    assert run_twice_at_once("2028-11-08") == 2  # 90 (hate harassment) and 180 (tenancy)
    assert run_twice_at_once("2029-02-07") == 2  # overdue week 1, and tenancy's 90-day stage
    assert run_twice_at_once("2029-02-08") == 0
    subjects = sorted(m["Subject"] for m in worker_outbox())
    assert subjects == [
        "Overdue: the Hate Harassment Policy review was due on 6 Feb 2029",
        "The Hate Harassment Policy review is due in 180 days (6 Feb 2029)",
        "The Hate Harassment Policy review is due in 90 days (6 Feb 2029)",
        "The Tenancy Policy review is due in 174 days (1 May 2029)",
        "The Tenancy Policy review is due in 83 days (1 May 2029)",
    ]
    assert {m["To"] for m in worker_outbox()} == {"owner@example.org"}
    assert ReviewReminder.objects.count() == 5
