import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task
def policy_review_reminders_send(day: str | None = None) -> int:
    """Daily (Celery beat): remind policy owners of reviews coming up or overdue. `day` is for tests and catch-up."""
    from .reminders import review_reminders_send

    on = dt.date.fromisoformat(day) if day else timezone.localdate()
    return len(review_reminders_send(day=on))
