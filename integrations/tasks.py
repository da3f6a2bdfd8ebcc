"""Thin tasks: take ids, call the service."""

from celery import shared_task
from django.conf import settings

from .enums import DeliveryStatus


@shared_task(bind=True, max_retries=None, acks_late=True)
def webhook_deliver(self, delivery_id: int) -> str:
    from .webhooks import retry_delay, webhook_delivery_attempt

    status = webhook_delivery_attempt(delivery_id=delivery_id)
    # Without a broker (a developer's laptop) tasks run in-process and cannot be
    # scheduled again: the delivery stays `retrying`, for the admin's "send again".
    if status == DeliveryStatus.RETRYING and not self.request.is_eager:
        # Attempts are counted on the delivery row, so the cap holds across worker restarts.
        raise self.retry(
            countdown=retry_delay(self.request.retries + 1), max_retries=settings.WEBHOOK_MAX_ATTEMPTS
        )
    return str(status)


@shared_task
def eligibility_changes_daily() -> int:
    """Date-driven changes: a due date passing, an induction year ending, a leaver's last day."""
    from .webhooks import eligibility_changes_detect

    return eligibility_changes_detect()


@shared_task
def decision_log_prune() -> int:
    from .services import decision_log_prune as prune

    return prune()
