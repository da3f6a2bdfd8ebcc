"""Thin tasks: ids in, a function of programme.emails does the work. Enqueued on commit by the services."""

from celery import shared_task

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
def booking_invitation_send(booking_id: int, sequence: int) -> bool:
    from .emails import booking_invitation_send as send

    return send(booking_id=booking_id, sequence=sequence)


@shared_task(**RETRY)
def booking_cancellation_send(booking_id: int, sequence: int) -> bool:
    from .emails import booking_cancellation_send as send

    return send(booking_id=booking_id, sequence=sequence)


@shared_task(**RETRY)
def booking_waitlisted_send(booking_id: int) -> bool:
    from .emails import booking_waitlisted_send as send

    return send(booking_id=booking_id)


@shared_task(**RETRY)
def booking_no_show_report(booking_id: int) -> bool:
    from .emails import booking_no_show_report as send

    return send(booking_id=booking_id)
