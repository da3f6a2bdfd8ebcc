"""Thin tasks: take ids or nothing, call a service (STYLE.md)."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def summary_nightly() -> dict:
    """Celery beat, every night: today's summary and snapshot, from one run of the engine."""
    run = services.summary_rebuild(day=timezone.localdate(), snapshot=True)
    return {"computed_for": run.computed_for.isoformat(), "colleagues": run.colleagues}


@shared_task
def summary_rebuild() -> dict:
    """A full rebuild for today without a snapshot (HR asked, or the catalogue changed)."""
    run = services.summary_rebuild(day=timezone.localdate(), snapshot=False)
    return {"computed_for": run.computed_for.isoformat(), "colleagues": run.colleagues}


def summary_rebuild_soon() -> None:
    """Ask for today's figures once (per process, per ten minutes) however many pages notice they are late."""
    from django.core.cache import cache
    from django.db import transaction

    if cache.add("dashboard-summary-rebuild-asked", True, timeout=600):
        transaction.on_commit(summary_rebuild.delay)


@shared_task
def committee_pack_quarterly() -> str | None:
    """Celery beat, every morning: on the first working day after a quarter ends, its pack goes out once."""
    from .pack import committee_pack_send

    return committee_pack_send(today=timezone.localdate())
