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
def summary_refresh_colleagues(colleague_ids: list[int]) -> int:
    return services.summary_refresh_colleagues(colleague_ids=colleague_ids)


@shared_task
def summary_rebuild() -> dict:
    """A full rebuild for today without a snapshot (HR asked, or the catalogue changed)."""
    run = services.summary_rebuild(day=timezone.localdate(), snapshot=False)
    return {"computed_for": run.computed_for.isoformat(), "colleagues": run.colleagues}
