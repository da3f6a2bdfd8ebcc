"""Thin tasks: take ids, call a service (STYLE.md)."""

from celery import shared_task

from . import services


@shared_task
def request_decided_notify(request_id: int) -> None:
    services.request_decided_notify(request_id=request_id)
