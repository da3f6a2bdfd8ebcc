"""The field by which an imported record points back to the import that last wrote it."""

from django.db import models


def import_batch_field(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        "imports.ImportBatch",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        # No database-level check: the batch is committed before any record names it
        # and is never deleted, and the check would cost a row lock per imported record
        # (a quarter of the time to load 100,000 rows).
        db_constraint=False,
        related_name=related_name,
        help_text="The import that last wrote this record.",
    )
