"""Review reminders to policy owners: 180, 90 and 30 days before the review, then weekly while overdue.

Each (policy, review date, stage) is sent once: a `ReviewReminder` row claims
it before the email goes, and its unique constraint means a task that runs
twice, or on two workers at once, sends one email. Only the stage the day
falls in is sent (see `rules.reminder_stage`): the first run after install
does not send the backlog of stages that passed before it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from core.claims import claim_once
from core.mail import send_templated_mail

from . import selectors
from .models import ReviewReminder
from .rules import reminder_stage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderSent:
    policy: str
    review_date: dt.date
    stage: str
    to: str


def review_reminders_send(*, day: dt.date) -> list[ReminderSent]:
    sent = []
    for policy in selectors.policies_to_remind():
        review_date = policy.next_review_date
        stage = reminder_stage(review_date, day)
        if stage is None:
            continue
        holder = policy.owner_post.holder
        days_left = (review_date - day).days
        context = {
            "policy": policy,
            "holder_name": policy.owner_post.holder_name,
            "post": policy.owner,
            "review_date": review_date,
            "days_left": days_left,
            "days_overdue": -days_left,
            "overdue": days_left < 0,
            "review": policy.open_reviews[0] if policy.open_reviews else None,
            "path": reverse("policies:detail", args=[policy.slug]),
        }
        try:
            # Claim and send in one transaction, committed after the send (core.claims):
            # a failed send, or a killed worker, leaves no claim, so the next run sends it.
            with transaction.atomic():
                claim = claim_once(
                    ReviewReminder, policy=policy, review_date=review_date, stage=stage, sent_to=holder.email
                )
                if claim is None:
                    continue
                send_templated_mail(
                    to=[holder.email], template="policies/email/review_reminder", context=context
                )
        except Exception:
            log.exception("review reminder for %s (%s) not sent", policy.slug, stage)
            continue
        log.info("review reminder sent: %s %s %s to %s", policy.slug, review_date, stage, holder.email)
        sent.append(ReminderSent(policy.slug, review_date, stage, holder.email))
    return sent
