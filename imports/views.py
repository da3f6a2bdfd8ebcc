"""HR's upload pages outside the admin: upload, preview (a dry run), confirm, and the list of imports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.outbox import task_waiting_in_outbox
from people.models import Colleague, RoleAssignment
from training.models import TrainingRecord

from .access import batches_for, may_import
from .forms import UploadForm
from .models import ImportBatch, ImportKind, ImportSource, ImportStatus
from .services import (
    ImportInterrupted,
    file_columns,
    import_batch_confirm,
    import_batch_dispatch,
    import_batch_start,
    preview_columns,
)

# Redis (the task queue) was down when the import was handed to the worker: core/outbox.py keeps it.
QUEUED_OFFLINE = (
    "The background worker cannot be reached just now. This import is queued and will start by itself "
    "when the task queue is back; nothing has been written yet. You can leave this page and come back."
)
TITLES = {ImportKind.TRAINING: "Upload training records", ImportKind.COLLEAGUES: "Upload colleagues"}
WRITTEN_PER_PAGE = 100


def _importer(request):
    if not may_import(request.user):
        raise PermissionDenied


@require_GET
@login_required
def batch_list(request):
    batches = batches_for(request.user).defer("content", "outcomes", "problems").select_related("uploaded_by")
    page = Paginator(batches, 50).get_page(request.GET.get("page"))
    return render(request, "imports/batch_list.html", {"page": page, "may_import": may_import(request.user)})


@login_required
def upload(request, kind: str):
    _importer(request)
    # Bound on any POST, even one with no form data (a JSON body): it then says what is missing.
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None, kind=kind)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = import_batch_start(
            kind=kind,
            content=b"".join(upload.chunks()),
            file_name=upload.name,
            source=ImportSource.WEB,
            dry_run=True,
            user=request.user,
            create_teams=form.cleaned_data.get("create_teams", False),
            encoding=form.cleaned_data["encoding"],
            keep_content=True,
        )
        try:
            import_batch_dispatch(batch=batch)
        except ImportInterrupted as e:
            messages.error(request, str(e)[0].upper() + str(e)[1:] + ".")
        return redirect("imports:batch", batch.pk)
    columns = file_columns(kind)
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "kind": kind,
            "title": TITLES[kind],
            "required": columns.required,
            "optional": columns.optional,
        },
    )


def _page_batch(user, pk) -> ImportBatch:
    has_file = ExpressionWrapper(Q(content__isnull=False), output_field=BooleanField())
    return get_object_or_404(batches_for(user).defer("content").annotate(has_file=has_file), pk=pk)


@require_GET
@login_required
def batch_detail(request, pk: int):
    batch = _page_batch(request.user, pk)
    columns = preview_columns(batch.kind)
    context = {
        "batch": batch,
        "columns": columns,
        "queued_offline_message": QUEUED_OFFLINE,
        "outcomes": [
            {
                "row": row,
                "action": action,
                "cells": [(v, before.get(c)) for c, v in zip(columns, values, strict=True)],
            }
            for row, action, values, before in batch.outcomes
        ],
        "listed_all": len(batch.outcomes) >= batch.rows,
    }
    if not batch.finished:
        context["queued_offline"] = task_waiting_in_outbox(batch.task_id)
    if batch.dry_run:
        confirmation = batch.confirmations.only("pk", "status").first()
        context["confirmation"] = confirmation
        context["can_confirm"] = (
            batch.status == ImportStatus.DONE
            and batch.has_file
            and confirmation is None
            and may_import(request.user)
        )
    elif batch.status == ImportStatus.DONE:
        context.update(_written(request, batch))
    return render(request, "imports/batch_detail.html", context)


def _written(request, batch: ImportBatch) -> dict:
    """The record versions this import wrote: its history rows, which name the batch."""
    if batch.kind == ImportKind.TRAINING:
        rows = (
            TrainingRecord.history.model.objects.filter(import_batch_id=batch.pk)
            .values_list(
                "history_type",
                "colleague__employee_number",
                "course__code",
                "completed_on",
                "provider",
                "certificate",
            )
            .order_by("history_id")
        )
        headings = ("employee_number", "course", "completed_on", "provider", "certificate")
        return {
            "written": Paginator(rows, WRITTEN_PER_PAGE).get_page(request.GET.get("page")),
            "headings": headings,
        }
    rows = (
        Colleague.history.model.objects.filter(import_batch_id=batch.pk)
        .values_list(
            "history_type",
            "employee_number",
            "first_name",
            "last_name",
            "team__name",
            "start_date",
            "leaving_date",
        )
        .order_by("history_id")
    )
    roles = (
        RoleAssignment.history.model.objects.filter(import_batch_id=batch.pk)
        .values_list("history_type", "colleague__employee_number", "role__code", "started_on")
        .order_by("history_id")
    )
    return {
        "written": Paginator(rows, WRITTEN_PER_PAGE).get_page(request.GET.get("page")),
        "headings": ("employee_number", "first_name", "last_name", "team", "start_date", "leaving_date"),
        "roles_written": Paginator(roles, WRITTEN_PER_PAGE).get_page(request.GET.get("roles")),
    }


@require_GET
@login_required
def batch_progress(request, pk: int):
    """What the progress bar shows: the worker's stage and rows done, until the batch is finished."""
    batch = get_object_or_404(batches_for(request.user).only("pk", "status", "task_id"), pk=pk)
    data = {"status": batch.status, "label": batch.get_status_display(), "finished": batch.finished}
    data |= {"stage": "", "done": 0, "total": 0, "queued_offline": False}
    if not batch.finished and batch.task_id:
        if task_waiting_in_outbox(batch.task_id):
            data |= {"queued_offline": True, "stage": QUEUED_OFFLINE}
        else:
            data |= _task_progress(batch.task_id)
    return JsonResponse(data)


def _task_progress(task_id: str) -> dict:
    from celery import current_app as app
    from celery.result import AsyncResult

    if app.conf.task_always_eager:
        return {}  # tasks run in-process: the batch is finished before the page is shown
    try:
        result = AsyncResult(task_id, app=app)
        info = result.info if result.state == "PROGRESS" else None
    except Exception:  # no result backend (tasks run in-process): the page just waits for the status
        return {}
    if not isinstance(info, dict):
        return {}
    return {
        "stage": str(info.get("stage", "")),
        "done": int(info.get("done", 0)),
        "total": int(info.get("total", 0)),
    }


@login_required
@require_POST
def batch_confirm(request, pk: int):
    _importer(request)
    with transaction.atomic():
        # Locked, so a double click imports once.
        preview = get_object_or_404(ImportBatch.objects.select_for_update(), pk=pk)
        ready = preview.dry_run and preview.status == ImportStatus.DONE and preview.content is not None
        if not ready or preview.confirmations.exists():
            messages.error(request, "This preview cannot be imported (again): upload the file once more.")
            return redirect("imports:batch", preview.pk)
        try:
            batch = import_batch_confirm(preview=preview, user=request.user)
        except ImportInterrupted as e:
            messages.error(request, str(e)[0].upper() + str(e)[1:] + ".")
            return redirect("imports:batch", e.batch.pk)
    return redirect("imports:batch", batch.pk)
