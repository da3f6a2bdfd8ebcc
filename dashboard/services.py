"""Writes of the stored figures: the nightly summary, changes to single colleagues, snapshots.

Every figure written here is the engine's answer (through `evaluate`); the
tables can be dropped and rebuilt from the records at any time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from compliance.models import CaseType
from core.dates import add_months
from people.models import Colleague, Role, Team

from .models import ComplianceSnapshot, EligibilitySummary, StatusSummary, SummaryRun
from .selectors.evaluate import Evaluation, evaluate

# Any fixed number: it names the lock that full rebuilds, single-colleague
# refreshes and snapshots share.
SUMMARY_LOCK = 4_815_162_342


def _summary_lock() -> None:
    """Serialise writers of the summary until the transaction ends.

    Without it a nightly rebuild that read the records before a colleague's
    training was saved could commit after that colleague's own refresh and put
    the old status back. The writer that waits reads the records afresh once
    it has the lock. (SQLite, for development, has one writer at a time anyway.)
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SUMMARY_LOCK])


def _summary_rows(evaluation: Evaluation) -> tuple[list[StatusSummary], list[EligibilitySummary]]:
    team_ids = dict(Team.objects.values_list("name", "id"))
    role_ids = dict(Role.objects.values_list("code", "id"))
    case_type_ids = dict(CaseType.objects.values_list("code", "id"))
    requirement_ids = {r.code: r.requirement_id for r in evaluation.catalogue.requirements}
    statuses, eligibility = [], []
    for c in evaluation.colleagues:
        colleague_id = c.facts.colleague_id
        team_id = team_ids.get(c.facts.team)
        for s in c.statuses:
            statuses.append(
                StatusSummary(
                    colleague_id=colleague_id,
                    requirement_id=requirement_ids[s.code],
                    team_id=team_id,
                    role_id=role_ids[c.role],
                    status=s.status,
                    due_date=s.due_date,
                    valid_until=s.valid_until,
                )
            )
        for f in evaluation.forecasts.get(colleague_id, ()):
            in_30, in_60, in_90 = f.later
            eligibility.append(
                EligibilitySummary(
                    colleague_id=colleague_id,
                    case_type_id=case_type_ids[f.case_type],
                    team_id=team_id,
                    eligible=f.eligible,
                    supervision_required=f.supervision_required,
                    eligible_until=f.eligible_until,
                    eligible_in_30=in_30,
                    eligible_in_60=in_60,
                    eligible_in_90=in_90,
                )
            )
    return statuses, eligibility


def _snapshot_rows(evaluation: Evaluation) -> list[ComplianceSnapshot]:
    team_ids = dict(Team.objects.values_list("name", "id"))
    requirement_ids = {r.code: r.requirement_id for r in evaluation.catalogue.requirements}
    counts: dict[tuple[int | None, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in evaluation.colleagues:
        team_id = team_ids.get(c.facts.team)
        for s in c.statuses:
            counts[(team_id, requirement_ids[s.code])][s.status] += 1
    return [
        ComplianceSnapshot(
            taken_on=evaluation.day, team_id=team_id, requirement_id=requirement_id, **by_status
        )
        for (team_id, requirement_id), by_status in counts.items()
    ]


def _snapshot_replace(evaluation: Evaluation) -> int:
    ComplianceSnapshot.objects.filter(taken_on=evaluation.day).delete()
    return len(ComplianceSnapshot.objects.bulk_create(_snapshot_rows(evaluation), batch_size=5000))


@transaction.atomic
def summary_rebuild(*, day: dt.date, snapshot: bool = True) -> SummaryRun:
    """Work out every active colleague's statuses and eligibility on `day` and store them.

    With `snapshot`, the day's counts per team and requirement are recorded
    for the trend from the same evaluation. The old rows stay readable until
    the transaction commits, so pages never see a half-built summary.
    """
    started_at = timezone.now()
    _summary_lock()
    evaluation = evaluate(Colleague.objects.all(), day)
    statuses, eligibility = _summary_rows(evaluation)
    StatusSummary.objects.all().delete()
    EligibilitySummary.objects.all().delete()
    StatusSummary.objects.bulk_create(statuses, batch_size=5000)
    EligibilitySummary.objects.bulk_create(eligibility, batch_size=5000)
    if snapshot:
        _snapshot_replace(evaluation)
    return SummaryRun.objects.create(
        computed_for=day,
        started_at=started_at,
        finished_at=timezone.now(),
        colleagues=len(evaluation.colleagues),
    )


@transaction.atomic
def summary_refresh_colleagues(*, colleague_ids: Iterable[int]) -> int:
    """Bring the summary up to date for these colleagues after a change to their records.

    Answers for the date of the latest rebuild, so one summary never mixes
    two dates; nothing to do before the first rebuild. Returns the number of
    colleagues refreshed.
    """
    ids = sorted(set(colleague_ids))
    if not ids:
        return 0
    _summary_lock()
    run = SummaryRun.objects.order_by("-finished_at").first()
    if run is None:
        return 0
    evaluation = evaluate(Colleague.objects.filter(pk__in=ids), run.computed_for)
    statuses, eligibility = _summary_rows(evaluation)
    StatusSummary.objects.filter(colleague_id__in=ids).delete()
    EligibilitySummary.objects.filter(colleague_id__in=ids).delete()
    StatusSummary.objects.bulk_create(statuses)
    EligibilitySummary.objects.bulk_create(eligibility)
    SummaryRun.objects.filter(pk=run.pk).update(last_change_at=timezone.now())
    return len(ids)


def month_ends(until: dt.date, months: int) -> list[dt.date]:
    """The last day of each of the `months` months before `until`'s month, then `until` itself."""
    first_of_month = until.replace(day=1)
    ends = [add_months(first_of_month, -k) - dt.timedelta(days=1) for k in range(months - 1, -1, -1)]
    return [*ends, until]


def snapshot_backfill(*, until: dt.date, months: int = 12, replace: bool = False) -> list[dt.date]:
    """Record the snapshots a year of nightly runs would have left, so a new install shows a trend.

    One snapshot per month end (the trend reads one point a month) and one for
    `until`, each worked out by the engine on that date with the records as
    they are now. Days that already have a snapshot are kept unless `replace`.
    Returns the days recorded.
    """
    done = []
    for day in month_ends(until, months):
        with transaction.atomic():
            _summary_lock()
            if not replace and ComplianceSnapshot.objects.filter(taken_on=day).exists():
                continue
            _snapshot_replace(evaluate(Colleague.objects.all(), day, forecast=False))
            done.append(day)
    return done
