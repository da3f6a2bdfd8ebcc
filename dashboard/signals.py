"""Keep the summary in step with the records: a change to a colleague refreshes that colleague.

Bulk writes (`bulk_create`, `update`) send no signals: code doing them calls
`services.summary_refresh_colleagues` itself, and the nightly rebuild catches
anything else.
"""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


class _Pending(threading.local):
    def __init__(self):
        self.ids: set[int] = set()
        self.everyone = False


_pending = _Pending()


def _flush() -> None:
    from .models import SummaryRun
    from .tasks import summary_rebuild, summary_refresh_colleagues

    if _pending.everyone:
        _pending.everyone = False
        _pending.ids.clear()
        if SummaryRun.objects.exists():
            summary_rebuild.delay()
    if _pending.ids:
        batch = sorted(_pending.ids)
        _pending.ids.clear()
        summary_refresh_colleagues.delay(batch)


def refresh_soon(colleague_id: int | None = None, *, everyone: bool = False) -> None:
    """Refresh once the transaction commits: one task per transaction, however many writes.

    The callback is registered for every write, so ids left by a rolled-back
    transaction go out with the next commit rather than being lost.
    """
    if everyone:
        _pending.everyone = True
    elif colleague_id is not None:
        _pending.ids.add(colleague_id)
    else:
        return
    transaction.on_commit(_flush)


def summary_rebuild_soon() -> None:
    """Ask for today's figures once (per process, per ten minutes) however many pages notice they are late."""
    from django.core.cache import cache

    from .tasks import summary_rebuild

    if cache.add("dashboard-summary-rebuild-asked", True, timeout=600):
        transaction.on_commit(summary_rebuild.delay)


def _colleague_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_soon(instance.pk)


def _record_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_soon(instance.colleague_id)


def _team_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    """A renamed team: its colleagues' rows carry the name."""
    if raw or (update_fields is not None and "name" not in update_fields):
        return
    for pk in instance.colleagues.values_list("pk", flat=True):
        refresh_soon(pk)


def _catalogue_changed(sender, raw=False, action=None, **kwargs):
    """A requirement, equivalence, case type or role changed: anyone's answer (or row) may have moved."""
    if not raw and (action is None or action.startswith("post_")):
        refresh_soon(everyone=True)


def connect() -> None:
    from compliance.models import CaseType, Requirement, Waiver
    from people.models import Colleague, Role, RoleAssignment, Team
    from training.models import Equivalence, TrainingRecord

    post_save.connect(_colleague_changed, sender=Colleague, dispatch_uid="dashboard_colleague_saved")
    post_save.connect(_team_changed, sender=Team, dispatch_uid="dashboard_team_saved")
    for signal, verb in ((post_save, "saved"), (post_delete, "deleted")):
        for model in (RoleAssignment, TrainingRecord, Waiver):
            signal.connect(_record_changed, sender=model, dispatch_uid=f"dashboard_{model.__name__}_{verb}")
        for model in (Requirement, Equivalence, CaseType, Role):
            signal.connect(
                _catalogue_changed, sender=model, dispatch_uid=f"dashboard_{model.__name__}_{verb}"
            )
    for through in (
        Requirement.roles.through,
        Requirement.courses.through,
        Requirement.gates.through,
        CaseType.roles.through,
    ):
        m2m_changed.connect(_catalogue_changed, sender=through, dispatch_uid=f"dashboard_{through.__name__}")
