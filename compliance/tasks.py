"""Thin tasks: take ids or nothing, call a service."""

from celery import shared_task

from .changes import changes_drain


# Not kept in the outbox while Redis is down: the change rows are the durable record,
# and beat asks again every few seconds.
@shared_task(outbox=False)
def changes_apply() -> dict:
    """Beat, every CHANGES_DRAIN_SECONDS: apply what the triggers recorded (compliance.changes)."""
    changes = changes_drain()
    return {"colleagues": len(changes.colleague_ids), "everyone": changes.everyone}
