"""Provenance of bulk imports: who loaded which file, when, and what it changed."""

import enum

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .cells import Problem


class ImportKind(models.TextChoices):
    COLLEAGUES = "colleagues", "Colleagues"
    TRAINING = "training", "Training records"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    REJECTED = "rejected", "Rejected: nothing written"
    FAILED = "failed", "Failed: nothing written"

    # Groupings, so views and services never compare raw strings.
    FINISHED = enum.nonmember(frozenset({"done", "rejected", "failed"}))
    IN_PROGRESS = enum.nonmember(frozenset({"queued", "running"}))


class ImportSource(models.TextChoices):
    COMMAND = "command", "Command line"
    ADMIN = "admin", "Admin import page"
    WEB = "web", "Upload page"


class ImportBatch(models.Model):
    """One run of one file: a dry run (preview) or the import itself.

    Every record an import writes points back here (`import_batch`), and its
    history rows carry the batch too, so "where did this come from?" has an
    answer for every version of every record. A rejected or dry run writes
    nothing but this row, which is the audit trail of the attempt.
    """

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    source = models.CharField(max_length=20, choices=ImportSource.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField("size in bytes", default=0)
    encoding = models.CharField(max_length=30, blank=True, help_text="How the file was read.")
    dry_run = models.BooleanField(help_text="A preview: checked and counted, nothing written.")
    create_teams = models.BooleanField("allow new teams", default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by_name = models.CharField(
        "by", max_length=150, help_text="The user, or the operating-system login that ran the command."
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows = models.PositiveIntegerField("data rows", default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    problems = models.JSONField(
        default=list, blank=True, help_text="[row, column, message] of each problem (the first thousand)."
    )
    problem_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    outcomes = models.JSONField(
        default=list, blank=True, help_text="Per row: what the import does to it (the preview's table)."
    )
    # Row numbers only: what those rows held is exactly what must not be kept.
    skipped_rows = models.JSONField(
        default=list,
        # A database default too, so the version still serving during an upgrade can insert batches.
        db_default=models.Value([], output_field=models.JSONField()),
        blank=True,
        help_text="Rows of colleagues not stored here who left longer ago than the retention period.",
    )
    preview = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="confirmations",
        help_text="The dry run this import confirms.",
    )
    task_id = models.CharField(max_length=64, blank=True)
    # Web uploads wait here for the worker and the confirm step; cleared once imported.
    content = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = "import"
        constraints = [
            models.CheckConstraint(
                condition=Q(preview__isnull=True) | Q(dry_run=False), name="import_confirms_a_dry_run"
            ),
        ]

    def __str__(self):
        return f"Import {self.pk}: {self.file_name} ({self.get_kind_display().lower()})"

    @property
    def finished(self) -> bool:
        return self.status in ImportStatus.FINISHED

    @property
    def problem_lines(self) -> list[str]:
        return [str(Problem(*problem)) for problem in self.problems]  # one line each, as the command prints

    @property
    def skipped_line(self) -> str:
        """The line before the counts when leavers past the retention period were skipped (else empty)."""
        if not self.skipped_rows:
            return ""
        rows = ", ".join(str(r) for r in self.skipped_rows)
        return f"skipped {len(self.skipped_rows)} leavers past the retention period (rows {rows})"

    @property
    def counts_line(self) -> str:
        """The last line of a successful import (docs/interfaces.md §2)."""
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"

    @property
    def change_reason(self) -> str:
        """What each history row written by this import gives as its cause (100 characters at most)."""
        return f"Import {self.pk}: {self.file_name}"[:100]
