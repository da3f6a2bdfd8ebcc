"""The committee pack goes to the committee once, on the first working day after the quarter ends."""

import pytest
from django.core import mail

from dashboard.models import CommitteePackSend
from dashboard.pack import first_working_day_after, pack_due_on
from dashboard.tasks import committee_pack_quarterly
from tests.organisation import D

RECIPIENTS = ["committee@example.org", "clerk@example.org"]


@pytest.mark.parametrize(
    ("quarter_end", "first_working_day"),
    [
        ("2026-03-31", "2026-04-01"),  # a Wednesday (Easter 2026 is 5 April)
        ("2026-06-30", "2026-07-01"),
        ("2026-09-30", "2026-10-01"),
        ("2025-12-31", "2026-01-02"),  # New Year's Day
        ("2027-12-31", "2028-01-04"),  # 1 Jan 2028 is a Saturday: the bank holiday moves to Monday 3rd
        ("2024-03-31", "2024-04-02"),  # Easter Monday 1 April 2024
        ("2029-03-31", "2029-04-03"),  # Easter 1 April 2029: Monday 2nd is Easter Monday
        ("2027-03-31", "2027-04-01"),  # Easter 28 March 2027: Easter Monday has passed
        ("2025-06-30", "2025-07-01"),
        ("2024-09-30", "2024-10-01"),
        ("2023-09-30", "2023-10-02"),  # a Saturday: Monday
    ],
)
def test_first_working_day_after_a_quarter(quarter_end, first_working_day):
    assert first_working_day_after(D(quarter_end)) == D(first_working_day)


def test_the_pack_is_due_from_the_first_working_day_for_a_week():
    assert pack_due_on(D("2026-01-01")) is None  # New Year's Day
    assert str(pack_due_on(D("2026-01-02"))) == "2025-Q4"
    assert str(pack_due_on(D("2026-01-09"))) == "2025-Q4"
    assert pack_due_on(D("2026-01-10")) is None
    assert pack_due_on(D("2026-02-15")) is None


@pytest.mark.django_db
def test_the_pack_is_emailed_once_to_the_list(org, settings, time_machine):
    settings.COMMITTEE_PACK_RECIPIENTS = RECIPIENTS
    time_machine.move_to("2026-04-01 07:45 +01:00")
    assert committee_pack_quarterly() == "2026-Q1"
    assert committee_pack_quarterly() is None  # beat fired again, or a second worker
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == RECIPIENTS
    assert message.subject == "Committee pack: hate crime training, Q1 2026 (1 Jan to 31 Mar 2026)"
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == ("committee-pack-2026-Q1.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    assert "HATE-REFRESHER" in message.body
    claim = CommitteePackSend.objects.get()
    assert (claim.quarter, claim.recipients) == ("2026-Q1", "committee@example.org, clerk@example.org")


@pytest.mark.django_db
def test_no_list_no_pack_and_no_claim(org, settings, time_machine):
    settings.COMMITTEE_PACK_RECIPIENTS = []
    time_machine.move_to("2026-04-01 07:45 +01:00")
    assert committee_pack_quarterly() is None
    assert mail.outbox == []
    assert not CommitteePackSend.objects.exists()


@pytest.mark.django_db
def test_a_failed_send_leaves_no_claim_and_the_next_run_sends(org, settings, time_machine):
    settings.COMMITTEE_PACK_RECIPIENTS = RECIPIENTS
    settings.EMAIL_BACKEND = "tests.dashboard.test_pack_send.FailingBackend"
    time_machine.move_to("2026-04-02 07:45 +01:00")
    with pytest.raises(ConnectionError):
        committee_pack_quarterly()
    assert not CommitteePackSend.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert committee_pack_quarterly() == "2026-Q1"
    assert len(mail.outbox) == 1


def test_beat_runs_the_pack_every_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["dashboard-committee-pack"]
    assert entry["task"] == "dashboard.tasks.committee_pack_quarterly"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {45})


class FailingBackend:
    """The mail server refuses: the outside world, so a stand-in is fair."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("mail server down")
