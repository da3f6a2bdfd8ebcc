"""Writes of the stored figures: the nightly summary, changes to single colleagues, snapshots.

Every figure written here is the engine's answer (through `evaluate`); the
tables can be dropped and rebuilt from the records at any time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from compliance.changes import ChangeSet
from compliance.enums import Status
from compliance.models import CaseType
from core.dates import add_months
from core.db import copy_rows, transaction_lock
from people.models import Colleague, Role, Team

from .models import ComplianceSnapshot, EligibilitySummary, StatusSummary, SummaryRun, TeamSummary
from .selectors.eligibility import forecast_fields
from .selectors.evaluate import Evaluation, evaluate
from .selectors.summary import team_figures_counted

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
    transaction_lock(SUMMARY_LOCK)


def _summary_rows(evaluation: Evaluation, colleagues: QuerySet) -> tuple[list[dict], list[dict]]:
    """The summary's rows as plain field values (a model instance each would cost more than the engine)."""
    team_ids = dict(Team.objects.values_list("name", "id"))
    role_ids = dict(Role.objects.values_list("code", "id"))
    case_type_ids = dict(CaseType.objects.values_list("code", "id"))
    requirement_ids = {r.code: r.requirement_id for r in evaluation.catalogue.requirements}
    names = {pk: (first, last) for pk, first, last in colleagues.values_list("pk", "first_name", "last_name")}
    statuses, eligibility = [], []
    for c in evaluation.colleagues:
        colleague_id = c.facts.colleague_id
        team_id = team_ids.get(c.facts.team)
        first, last = names[colleague_id]
        for s in c.statuses:
            statuses.append(
                {
                    "colleague_id": colleague_id,
                    "requirement_id": requirement_ids[s.code],
                    "team_id": team_id,
                    "role_id": role_ids[c.role],
                    "status": s.status,
                    "due_date": s.due_date,
                    "valid_until": s.valid_until,
                    "employee_number": c.facts.employee_number,
                    "first_name": first,
                    "last_name": last,
                    "team_name": c.facts.team,
                    "role_code": c.role,
                    "requirement_code": s.code,
                }
            )
        for f in evaluation.forecasts.get(colleague_id, ()):
            eligibility.append(
                {
                    "colleague_id": colleague_id,
                    "case_type_id": case_type_ids[f.case_type],
                    "team_id": team_id,
                    "eligible_until": f.eligible_until,
                    # The fields the figures' rule reads (selectors/eligibility.py), read off the
                    # forecast as a live count reads them.
                    **forecast_fields(f),
                }
            )
    return statuses, eligibility


def _team_summaries_replace(team_ids: set[int | None] | None = None) -> None:
    """Add up the summary rows of these teams (None: every team) into one stored row each."""
    statuses, eligibility = StatusSummary.objects.all(), EligibilitySummary.objects.all()
    stored = TeamSummary.objects.all()
    if team_ids is not None:
        where = Q(team__in=[t for t in team_ids if t is not None])
        if None in team_ids:
            where |= Q(team__isnull=True)
        statuses, eligibility, stored = (
            statuses.filter(where),
            eligibility.filter(where),
            stored.filter(where),
        )
    counted = team_figures_counted(statuses, eligibility)
    stored.delete()
    TeamSummary.objects.bulk_create(TeamSummary(team_id=t, figures=f.to_json()) for t, f in counted.items())


def _snapshot_rows(evaluation: Evaluation) -> list[ComplianceSnapshot]:
    team_ids = dict(Team.objects.values_list("name", "id"))
    requirement_ids = {r.code: r.requirement_id for r in evaluation.catalogue.requirements}
    counts: dict[tuple[int | None, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in evaluation.colleagues:
        team_id = team_ids.get(c.facts.team)
        for s in c.statuses:
            bucket = counts[(team_id, requirement_ids[s.code])]
            bucket[s.status] += 1
            if s.status == Status.DUE_SOON and s.valid_until is not None:
                bucket["due_soon_current"] += 1
    return [
        ComplianceSnapshot(
            taken_on=evaluation.day, team_id=team_id, requirement_id=requirement_id, **by_status
        )
        for (team_id, requirement_id), by_status in counts.items()
    ]


def _snapshot_replace(evaluation: Evaluation) -> int:
    ComplianceSnapshot.objects.filter(taken_on=evaluation.day).delete()
    return len(ComplianceSnapshot.objects.bulk_create(_snapshot_rows(evaluation), batch_size=5000))


def _insert_all(model, rows: list[dict]) -> None:
    """Insert a whole table's rows: COPY on PostgreSQL (54,000 summary rows in under a second,
    where bulk_create spends four building model instances and INSERTs), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=5000)
        return
    names = list(rows[0]) if rows else []
    column_of = {f.attname: f.column for f in model._meta.concrete_fields}
    columns = [column_of[name] for name in names]
    copy_rows(model._meta.db_table, columns, [tuple(row.values()) for row in rows])


def _analyse(*models) -> None:
    """Refresh the planner's statistics after rewriting whole tables.

    Autovacuum gets round to it eventually; until then PostgreSQL plans the
    list's queries for the handful of rows the tables held before.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@transaction.atomic
def summary_rebuild(*, day: dt.date, snapshot: bool = True) -> SummaryRun:
    """Work out every active colleague's statuses and eligibility on `day` and store them.

    With `snapshot`, the day's counts per team and requirement are recorded
    for the trend from the same evaluation. The old rows stay readable until
    the transaction commits, so pages never see a half-built summary.
    """
    started_at = timezone.now()
    _summary_lock()
    everyone = Colleague.objects.all()
    evaluation = evaluate(everyone, day)
    statuses, eligibility = _summary_rows(evaluation, everyone)
    StatusSummary.objects.all().delete()
    EligibilitySummary.objects.all().delete()
    _insert_all(StatusSummary, statuses)
    _insert_all(EligibilitySummary, eligibility)
    _analyse(StatusSummary, EligibilitySummary)
    _team_summaries_replace()
    if snapshot:
        _snapshot_replace(evaluation)
        _analyse(ComplianceSnapshot)
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
    colleagues refreshed. A fixed number of queries, however many colleagues.
    """
    ids = sorted(set(colleague_ids))
    if not ids:
        return 0
    _summary_lock()
    run = SummaryRun.objects.order_by("-finished_at").first()
    if run is None:
        return 0
    colleagues = Colleague.objects.filter(pk__in=ids)
    evaluation = evaluate(colleagues, run.computed_for)
    statuses, eligibility = _summary_rows(evaluation, colleagues)
    # The teams the colleagues were in and are in now: a move changes both. A
    # colleague erased since has no rows left to say which team was theirs, so
    # then every team is added up again.
    current = dict(colleagues.values_list("pk", "team_id"))
    teams: set[int | None] | None = None
    if len(current) == len(ids):
        teams = set(current.values())
        teams |= set(StatusSummary.objects.filter(colleague_id__in=ids).values_list("team_id", flat=True))
        teams |= set(
            EligibilitySummary.objects.filter(colleague_id__in=ids).values_list("team_id", flat=True)
        )
    StatusSummary.objects.filter(colleague_id__in=ids).delete()
    EligibilitySummary.objects.filter(colleague_id__in=ids).delete()
    StatusSummary.objects.bulk_create([StatusSummary(**row) for row in statuses], batch_size=5000)
    EligibilitySummary.objects.bulk_create(
        [EligibilitySummary(**row) for row in eligibility], batch_size=5000
    )
    _team_summaries_replace(teams)
    SummaryRun.objects.filter(pk=run.pk).update(last_change_at=timezone.now())
    return len(ids)


def summary_apply_changes(changes: ChangeSet) -> None:
    """Subscriber of `compliance.changes`: the stored summary follows every drained change.

    Before the first rebuild there is no summary (pages work their figures
    out live). A change to the catalogue, or to more colleagues than a refresh
    is worth, rebuilds the whole summary for today instead.
    """
    if not SummaryRun.objects.exists():
        return
    if changes.everyone or len(changes.colleague_ids) > settings.SUMMARY_REBUILD_ABOVE_COLLEAGUES:
        summary_rebuild(day=timezone.localdate(), snapshot=False)
    else:
        summary_refresh_colleagues(colleague_ids=changes.colleague_ids)


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
