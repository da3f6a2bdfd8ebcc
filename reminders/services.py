"""Writes for reminders: claim each send in the database and send it in one transaction: once.

The claim rows are inserted, the email is handed to the mail server, and only
then is the transaction committed. So:

- two runs at once (beat twice, a task queued twice): the second INSERT waits
  on the first's uncommitted row, then finds it taken and sends nothing;
- the send fails: the transaction rolls back, no claim remains, and the
  task's retry sends;
- the worker process is killed mid-send (issue 7): its database connection
  drops, PostgreSQL rolls the claims back, and the task, which is acknowledged
  only once it has run (`acks_late`, `task_reject_on_worker_lost`), is given
  to another worker process, which claims and sends again.

The one window left is between the mail server accepting the message and the
COMMIT reaching PostgreSQL, a few milliseconds: a kill exactly there sends a
second copy. No protocol closes it (SMTP has no idempotency key); the
Message-ID is the same for both copies, so a mail client can tell.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper

from compliance.queries import left_before
from compliance.selectors import catalogue_load, compliance_on
from core.access import AccessGroup, user_groups
from core.claims import claim_once
from core.mail import send_templated_mail
from people.models import Colleague

from . import selectors
from .links import absolute, colleague_url_maker, own_page_url
from .models import ManagerDigest, Reminder, ReminderStage
from .rules import DIGEST_HORIZON_DAYS, digest_lines, reminders_due, week_starting

logger = logging.getLogger(__name__)


def reminders_dispatch(*, day: dt.date) -> list[int]:
    """Queue one reminder task per colleague with something to send on `day`; the ids queued."""
    from .tasks import colleague_reminders_send_task

    colleague_ids = selectors.reminder_candidates(day=day)

    def enqueue():
        for pk in colleague_ids:
            colleague_reminders_send_task.delay(pk, day.isoformat())

    transaction.on_commit(enqueue)
    return colleague_ids


def colleague_reminders_send(*, colleague_id: int, day: dt.date) -> int:
    """Email the colleague the reminders due on `day` that nobody has sent yet; how many it covered.

    All of a colleague's reminders for the day go in one email. The claims are
    made in one transaction in a fixed order, so when two workers run this at
    once the loser waits on the winner's first row and then finds every key
    taken: one email, never two halves.
    """
    colleague = Colleague.objects.filter(pk=colleague_id).values("email", "first_name").first()
    if colleague is None or not colleague["email"]:
        return 0
    catalogue = catalogue_load()
    rows = compliance_on(Colleague.objects.filter(pk=colleague_id), day, catalogue)
    if not rows:  # not active on `day`: has left, or not started yet
        return 0
    [row] = rows
    rules = {r.code: r for r in catalogue.requirements}
    due = sorted(
        reminders_due(row, day, selectors.catch_up_days()),
        key=lambda r: (r.requirement, r.due_date, r.stage, r.overdue_week),
    )
    with transaction.atomic():
        claimed = [
            (item, claim)
            for item in due
            if (
                claim := claim_once(
                    Reminder,
                    colleague_id=colleague_id,
                    requirement_id=rules[item.requirement].requirement_id,
                    due_date=item.due_date,
                    stage=item.stage,
                    overdue_week=item.overdue_week,
                    sent_on=day,
                )
            )
            is not None
        ]
        if not claimed:
            return 0
        _send_claimed(
            to=[colleague["email"]],
            template="reminders/email/colleague_reminder",
            context=_colleague_context(colleague, row, rules, claimed, day),
            message_id=_message_id(
                "reminder",
                colleague_id,
                *((i.requirement, i.due_date, i.stage, i.overdue_week) for i, _ in claimed),
            ),
        )
    return len(claimed)


def _colleague_context(colleague: dict, row, rules: dict, claimed: list, day: dt.date) -> dict:
    items = [
        {
            "code": item.requirement,
            "name": rules[item.requirement].name,
            "due_date": item.due_date,
            "days_left": item.days_left,
            "days_overdue": item.days_overdue,
            "overdue": item.stage == ReminderStage.OVERDUE,
            "stage": item.stage,
            "url": own_page_url(item.requirement),
        }
        for item, _ in claimed
    ]
    return {
        "first_name": colleague["first_name"],
        "items": items,
        "any_overdue": any(i["overdue"] for i in items),
        "first_due": min(i["due_date"] for i in items),
        # Their own page, not the colleague page: the one where they can book a session or ask HR.
        "my_url": own_page_url(),
        "day": day,
    }


def manager_digests_dispatch(*, day: dt.date) -> list[int]:
    """Queue one digest task per manager; the user ids queued."""
    from .tasks import manager_digest_send_task

    user_ids = selectors.digest_recipients(day=day)

    def enqueue():
        for pk in user_ids:
            manager_digest_send_task.delay(pk, day.isoformat())

    transaction.on_commit(enqueue)
    return user_ids


def manager_digest_send(*, user_id: int, day: dt.date) -> bool:
    """Email a manager this week's digest of their teams, unless it went already; True if sent.

    The teams are exactly what the manager sees on their pages
    (`people.access.colleagues_for`), less the manager themself (their own
    reminders come to them directly). A week with nobody overdue or due soon
    sends nothing.
    """
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or AccessGroup.MANAGER not in user_groups(user):
        return False
    own = (
        Colleague.objects.filter(user=user)
        .annotate(gone=ExpressionWrapper(left_before(day), output_field=BooleanField()))
        .values("email", "gone")
        .first()
    )
    if own is not None and own["gone"]:
        return False
    email = user.email or (own or {}).get("email", "")
    if not email:
        return False
    rows = selectors.team_compliance(user=user, day=day, include_self=False)
    overdue, upcoming = digest_lines(rows, day)
    if not overdue and not upcoming:
        return False
    names = {r.code: r.name for r in catalogue_load().requirements}
    link = colleague_url_maker()
    context = {
        "manager_name": user.get_full_name() or user.get_username(),
        "day": day,
        "horizon_days": DIGEST_HORIZON_DAYS,
        "overdue": [_digest_row(line, names, link) for line in overdue],
        "upcoming": [_digest_row(line, names, link) for line in upcoming],
        "people_overdue": len({line.employee_number for line in overdue}),
        "people_upcoming": len({line.employee_number for line in upcoming}),
        "home_url": absolute("/"),
    }
    with transaction.atomic():
        claim = claim_once(
            ManagerDigest,
            manager=user,
            week_starting=week_starting(day),
            overdue_count=len(overdue),
            due_soon_count=len(upcoming),
            sent_on=day,
        )
        if claim is None:
            return False
        _send_claimed(
            to=[email],
            template="reminders/email/manager_digest",
            context=context,
            message_id=_message_id("digest", user_id, week_starting(day)),
        )
    return True


def _digest_row(line, names: dict[str, str], link) -> dict:
    return {
        "employee_number": line.employee_number,
        "name": line.name,
        "team": line.team,
        "code": line.requirement,
        "requirement": names.get(line.requirement, line.requirement),
        "due_date": line.due_date,
        "days_left": line.days_left,
        "days_overdue": max(0, -line.days_left),
        "url": link(line.employee_number),
    }


def _message_id(kind: str, *key) -> str:
    """The same Message-ID for the same reminders, so a second copy (see the module's note) is recognisable."""
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<{kind}-{digest}@{domain}>"


def _send_claimed(*, to: list[str], template: str, context: dict, message_id: str) -> None:
    """Send inside the claims' transaction: a failure (or a kill) rolls the claims back for the retry."""
    try:
        send_templated_mail(to=to, template=template, context=context, headers={"Message-ID": message_id})
    except Exception:
        logger.exception("Sending %s to %s failed; its claims roll back for a retry", template, to)
        raise
