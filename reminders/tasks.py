"""Thin tasks: take ids and a date, call a service. Beat runs the two dispatchers (config/settings.py)."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import services


def _day(value: str | None) -> dt.date:
    # The date travels with the task: a task picked up after midnight still
    # sends what was due on the day it was queued for.
    return dt.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(name="reminders.send_due")
def reminders_send_due(day: str | None = None) -> int:
    """Daily: queue a reminder task for each colleague with a reminder due today."""
    return len(services.reminders_dispatch(day=_day(day)))


# OSError covers SMTP failures (smtplib.SMTPException) and refused connections.
@shared_task(
    name="reminders.colleague_send",
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=5,
)
def colleague_reminders_send_task(colleague_id: int, day: str) -> int:
    return services.colleague_reminders_send(colleague_id=colleague_id, day=_day(day))


@shared_task(name="reminders.send_manager_digests")
def manager_digests_send(day: str | None = None) -> int:
    """Weekly: queue a digest task for each manager."""
    return len(services.manager_digests_dispatch(day=_day(day)))


@shared_task(
    name="reminders.manager_digest_send",
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=5,
)
def manager_digest_send_task(user_id: int, day: str) -> bool:
    return services.manager_digest_send(user_id=user_id, day=_day(day))
