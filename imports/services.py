"""Running an import: the one path behind the admin page, the upload page, the worker and the commands.

read the file -> load what the checks need (a fixed number of queries) ->
check every row in Python -> if there is no problem and it is not a dry run,
write everything in bulk with its history, in one transaction. The batch
records who, when, which file and what happened.
"""

import datetime as dt
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from core.dates import add_months
from core.perf import gc_paused
from people.models import Colleague, RoleAssignment, Team
from people.services import RoleChange
from training.models import RecordSource, TrainingRecord

from .cells import Problem
from .checks import colleagues as colleague_checks
from .checks import training as training_checks
from .models import ImportBatch, ImportKind, ImportStatus
from .reading import FILE, FileRejected, estimate_rows, read_table
from .selectors import colleague_lookups_load, training_lookups_load
from .writing import BulkWriter

logger = logging.getLogger(__name__)

STORED_PROBLEMS = 1000  # a batch keeps this many problem lines; the command prints them all
RACE = (
    "another import or edit wrote the same records at the same moment; nothing was written: "
    "import the file again"
)
INTERRUPTED = (
    "the connection to the database was lost during the import (the database restarted or the network "
    "failed); the import was rolled back and nothing from this file was written: import the file again"
)


class ImportInterrupted(Exception):
    """The database went away mid-import. Its one transaction rolled back: nothing of the file is stored."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        super().__init__(INTERRUPTED)


def limits() -> dict:
    return {
        "max_rows": settings.IMPORT_MAX_ROWS,
        "max_bytes": settings.IMPORT_MAX_BYTES,
        "background_rows": settings.IMPORT_BACKGROUND_ROWS,
        "preview_rows": settings.IMPORT_PREVIEW_ROWS,
    }


def preview_columns(kind: str) -> tuple[str, ...]:
    return training_checks.COLUMN_ORDER if kind == ImportKind.TRAINING else colleague_checks.COLUMN_ORDER


def file_columns(kind: str):
    return training_checks.COLUMNS if kind == ImportKind.TRAINING else colleague_checks.COLUMNS


@dataclass
class ImportOutcome:
    """What a door shows: the batch (counts, status, preview rows) and every problem found."""

    batch: ImportBatch
    problems: list[Problem] = field(default_factory=list)
    new_teams: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return self.batch.status != ImportStatus.DONE


def size_problem(size: int) -> Problem | None:
    cap = settings.IMPORT_MAX_BYTES
    if size <= cap:
        return None
    return Problem(
        1,
        FILE,
        f"the file is {size / 1_000_000:.1f} MB; one import takes at most {cap / 1_000_000:.0f} MB: "
        "split it into smaller files",
    )


def import_batch_start(
    *,
    kind: str,
    content: bytes,
    file_name: str,
    source: str,
    dry_run: bool,
    user=None,
    by_name: str = "",
    create_teams: bool = False,
    encoding: str = "auto",
    keep_content: bool = False,
    preview: ImportBatch | None = None,
) -> ImportBatch:
    """Record an import about to run. `keep_content` holds the file for the worker and the confirm step."""
    if keep_content:
        import_age_out()
    if user is not None and user.is_authenticated:
        by_name = user.get_username()
    else:
        user = None
    return ImportBatch.objects.create(
        kind=kind,
        source=source,
        file_name=(file_name or "upload")[-255:],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        encoding=encoding,
        dry_run=dry_run,
        create_teams=create_teams and kind == ImportKind.COLLEAGUES,
        uploaded_by=user,
        uploaded_by_name=by_name[:150] or "unknown",
        content=content if keep_content else None,
        preview=preview,
    )


def import_batch_confirm(*, preview: ImportBatch, user) -> ImportBatch:
    """The import of a file whose dry run was seen: same file, same options, now written."""
    batch = import_batch_start(
        kind=preview.kind,
        content=bytes(preview.content),
        file_name=preview.file_name,
        source=preview.source,
        dry_run=False,
        user=user,
        create_teams=preview.create_teams,
        encoding=preview.encoding,
        keep_content=True,
        preview=preview,
    )
    import_batch_dispatch(batch=batch)
    return batch


def import_batch_dispatch(*, batch: ImportBatch) -> None:
    """Run a small file now; hand a large one to the worker, whose progress the batch page shows."""
    content = bytes(batch.content)
    if estimate_rows(content) <= settings.IMPORT_BACKGROUND_ROWS:
        import_batch_process(batch=batch, content=content)
        return
    from celery import current_app as app

    from .tasks import import_batch_run

    batch.task_id = uuid.uuid4().hex
    batch.save(update_fields=["task_id"])
    if app.conf.task_always_eager:
        # No broker (a laptop, the tests): run here. apply() rather than apply_async(), which
        # would open a connection pool to the default broker that outlives a later broker setting.
        transaction.on_commit(lambda: import_batch_run.apply(args=[batch.pk], task_id=batch.task_id))
        return
    transaction.on_commit(lambda: import_batch_run.apply_async(args=[batch.pk], task_id=batch.task_id))


def import_batch_process(*, batch: ImportBatch, content: bytes | None = None, progress=None) -> ImportOutcome:
    """Read, check and (unless a dry run) write the batch's file. A file with any problem writes nothing."""
    if content is None:
        content = bytes(batch.content or b"")
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    batch.warnings = _warnings(batch)
    outcome = ImportOutcome(batch=batch)
    # Hundreds of thousands of small tuples, none in a cycle: the cyclic collector
    # would walk them all again and again (a third of the Python time, measured).
    with gc_paused():
        _process(batch, content, outcome, progress)
    return outcome


def _process(batch: ImportBatch, content: bytes, outcome: ImportOutcome, progress) -> None:
    try:
        too_big = size_problem(len(content))
        if too_big:
            raise FileRejected([too_big])
        table = read_table(
            content,
            columns=file_columns(batch.kind),
            max_rows=settings.IMPORT_MAX_ROWS,
            encoding=batch.encoding or "auto",
        )
        batch.encoding = table.encoding
        if table.sheet_note:
            batch.warnings.append(table.sheet_note)
        if progress is not None:
            progress("Reading the file", len(table.rows), len(table.rows))
        with transaction.atomic():
            writer = BulkWriter(batch=batch, user_id=batch.uploaded_by_id, progress=progress)
            if not batch.dry_run:
                writer.lock()  # checked against what is stored once no other import can change it
            if batch.kind == ImportKind.TRAINING:
                plan = training_checks.training_check(
                    table,
                    training_lookups_load(table),
                    today=timezone.localdate(),
                    preview_rows=settings.IMPORT_PREVIEW_ROWS,
                    progress=progress,
                )
            else:
                plan = colleague_checks.colleague_check(
                    table,
                    colleague_lookups_load(),
                    create_teams=batch.create_teams,
                    forgotten_before=add_months(
                        timezone.localdate(), -12 * settings.RETENTION_YEARS_AFTER_LEAVING
                    ),
                    preview_rows=settings.IMPORT_PREVIEW_ROWS,
                    progress=progress,
                )
                outcome.new_teams = list(plan.new_teams.values())
            del table
            if plan.problems:
                outcome.problems = plan.problems
                _finish(batch, ImportStatus.REJECTED, plan=plan, problems=plan.problems)
            else:
                if not batch.dry_run:
                    if batch.kind == ImportKind.TRAINING:
                        training_write(plan, writer)
                    else:
                        colleagues_write(plan, writer)
                _finish(batch, ImportStatus.DONE, plan=plan)
    except FileRejected as e:
        if e.sheet_note:  # the problems' row numbers are that sheet's
            batch.warnings.append(e.sheet_note)
        outcome.problems = e.problems
        _finish(batch, ImportStatus.REJECTED, problems=e.problems)
    except (OperationalError, InterfaceError) as exc:
        # The server restarted or the network dropped (issue 7): PostgreSQL rolled the open
        # transaction back, so nothing was written. Say so plainly rather than with a traceback.
        logger.warning("import %s interrupted: %s", batch.pk, exc)
        _record_interrupted(batch)
        raise ImportInterrupted(batch) from exc
    except IntegrityError:
        # The lock keeps imports apart; this is a hand edit or another writer racing the import.
        logger.warning("import %s lost a race on a unique constraint", batch.pk, exc_info=True)
        outcome.problems = [Problem(1, FILE, RACE)]
        _finish(batch, ImportStatus.REJECTED, problems=outcome.problems)
    except Exception:
        logger.exception("import %s failed", batch.pk)
        _finish(
            batch,
            ImportStatus.FAILED,
            problems=[Problem(1, FILE, "an unexpected error; nothing was written")],
        )
        raise


def _record_interrupted(batch: ImportBatch, attempts: int = 5) -> None:
    """Mark the batch failed on a new connection once the database answers (a restart takes seconds).

    If it does not answer within a few seconds the batch stays "running" in the
    list; the doors still say plainly that nothing was written.
    """
    if connection.in_atomic_block:
        # Called inside the caller's transaction (the confirm page's lock): that one is lost
        # too and must end first; the batch is left as it was.
        return
    for attempt in range(attempts):
        connection.close()  # the old one is broken; the next query opens a new one
        try:
            _finish(batch, ImportStatus.FAILED, problems=[Problem(1, FILE, INTERRUPTED)])
            return
        except DatabaseError:
            if attempt + 1 < attempts:
                time.sleep(1)
    logger.error("import %s: the database did not come back; its batch is left as it was", batch.pk)


def _warnings(batch: ImportBatch) -> list[str]:
    earlier = (
        ImportBatch.objects.filter(
            kind=batch.kind, sha256=batch.sha256, dry_run=False, status=ImportStatus.DONE
        )
        .exclude(pk=batch.pk)
        .only("pk", "started_at", "uploaded_by_name")
        .order_by("-started_at")
        .first()
    )
    if earlier is None:
        return []
    when = timezone.localtime(earlier.started_at)
    return [
        f"This file was imported before: import {earlier.pk} on {when:%d/%m/%Y at %H:%M} by "
        f"{earlier.uploaded_by_name}. Rows that match what is stored are left unchanged."
    ]


def _finish(batch: ImportBatch, status: str, *, plan=None, problems=()) -> None:
    batch.status = status
    batch.finished_at = timezone.now()
    batch.problems = [list(p) for p in problems[:STORED_PROBLEMS]]
    batch.problem_count = len(problems)
    if plan is not None:
        batch.rows = plan.rows
    done = status == ImportStatus.DONE and plan is not None
    # A commit refused after the counts were set (a race) leaves a rejected batch that counts nothing.
    batch.created = len(plan.creates) if done else 0
    batch.updated = len(plan.updates) if done else 0
    batch.unchanged = plan.unchanged if done else 0
    batch.outcomes = [list(o) for o in plan.outcomes] if done else []
    batch.skipped_rows = list(getattr(plan, "skipped", ())) if done else []
    keep = status == ImportStatus.DONE and batch.dry_run
    if not keep:
        batch.content = None  # nothing more to do with the file: a rejected one is fixed and uploaded again
    batch.save()
    if not batch.dry_run and batch.preview_id:
        ImportBatch.objects.filter(pk=batch.preview_id).update(content=None)


# ---------------------------------------------------------------------- writes


def training_write(plan: training_checks.TrainingPlan, writer: BulkWriter) -> None:
    ids = writer.allocate_ids(TrainingRecord, len(plan.creates))
    make = writer.shape(
        TrainingRecord,
        ("id", "colleague_id", "course_id", "completed_on", "provider", "certificate", "notes"),
        # recorded_by is for records keyed by hand; an imported record names its batch, and
        # the batch names who ran it (and the history rows carry the user).
        {"source": RecordSource.IMPORT, "created_at": writer.now},
    )
    rows = [make((pk, *values)) for pk, values in zip(ids, plan.creates, strict=True)]
    writer.insert(TrainingRecord, rows, stage="Writing training records")
    del rows
    writer.update(
        TrainingRecord,
        ("provider", "certificate", "notes", "import_batch_id"),
        [(*values, writer.batch_id) for values in plan.updates],
    )


COLLEAGUE_FIELDS = (
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "team_id",
    "line_manager_id",
    "start_date",
    "leaving_date",
)


def colleagues_write(plan: colleague_checks.ColleaguePlan, writer: BulkWriter) -> None:
    new_team_names = list(plan.new_teams.values())
    team_ids = dict(zip(new_team_names, writer.allocate_ids(Team, len(new_team_names)), strict=True))
    make_team = writer.shape(Team, ("id", "name"))
    writer.insert(Team, [make_team((pk, name)) for name, pk in team_ids.items()])

    new_ids = writer.allocate_ids(Colleague, len(plan.creates))
    ids = dict(plan.manager_ids)  # managers already here and not in the file
    ids |= {c.employee_number: c.stored.id for c in plan.updates}
    ids |= {c.employee_number: pk for c, pk in zip(plan.creates, new_ids, strict=True)}

    def values(c) -> tuple:
        return (
            c.employee_number,
            c.first_name,
            c.last_name,
            c.email,
            team_ids[c.team] if isinstance(c.team, str) else c.team,
            None if c.manager is None else ids[c.manager],
            c.start_date,
            c.leaving_date,
        )

    make = writer.shape(Colleague, ("id", *COLLEAGUE_FIELDS))
    writer.insert(
        Colleague, [make((ids[c.employee_number], *values(c))) for c in plan.creates], "Writing colleagues"
    )

    changed = []
    for c in plan.updates:
        s = c.stored
        stored = (c.employee_number, s.first_name, s.last_name, s.email, s.team_id, s.line_manager_id)
        if values(c) != (*stored, s.start_date, s.leaving_date):  # not just a change of role
            changed.append((s.id, *values(c)[1:], writer.batch_id))
    writer.update(Colleague, (*COLLEAGUE_FIELDS[1:], "import_batch_id"), changed)

    # Role history follows people.services.role_change_plan, as colleague_role_set does one by one.
    new_assignments = [(ids[c.employee_number], c.role_id, c.role_started_on) for c in plan.creates]
    corrections = []
    for c in plan.updates:
        s = c.stored
        if c.role_change is RoleChange.CORRECT_DATE or (
            c.role_change is RoleChange.NEW_ASSIGNMENT and s.role_started_on == c.role_started_on
        ):
            corrections.append((s.assignment_id, c.role_id, c.role_started_on, writer.batch_id))
        elif c.role_change is RoleChange.NEW_ASSIGNMENT:
            new_assignments.append((s.id, c.role_id, c.role_started_on))
    make_assignment = writer.shape(RoleAssignment, ("id", "colleague_id", "role_id", "started_on"))
    assignment_ids = writer.allocate_ids(RoleAssignment, len(new_assignments))
    writer.insert(
        RoleAssignment,
        [make_assignment((pk, *a)) for pk, a in zip(assignment_ids, new_assignments, strict=True)],
    )
    writer.update(RoleAssignment, ("role_id", "started_on", "import_batch_id"), corrections)


def import_age_out(*, now: dt.datetime | None = None) -> int:
    """Forget the files of previews nobody confirmed within a day (the batch itself stays)."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=24)
    return ImportBatch.objects.filter(dry_run=True, started_at__lt=cutoff, content__isnull=False).update(
        content=None
    )
