"""django-import-export resources for colleagues and training records.

The admin's import page, the upload page, the worker and the commands all
call `Resource.import_data`, which runs the one import path in
imports/services.py: checked over plain rows with lookups loaded once, then
written in bulk. The library's default path (a diff, a savepoint and a few
queries per row) is kept for nothing but the benchmark's comparison. Export
goes through the library as usual, with formula injection escaped.
"""

import tablib
from django.core.exceptions import ValidationError
from import_export import exceptions, fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import InvalidRow, Result, RowResult

from core.spreadsheets import formula_escaped
from people.models import Colleague
from people.selectors import colleagues_with_current_role
from training.models import TrainingRecord

from .checks import CREATED, UNCHANGED, UPDATED
from .checks import colleagues as colleague_checks
from .checks import training as training_checks
from .models import ImportKind, ImportSource
from .services import STORED_PROBLEMS, import_batch_process, import_batch_start, preview_columns

IMPORT_TYPES = {
    CREATED: RowResult.IMPORT_TYPE_NEW,
    UPDATED: RowResult.IMPORT_TYPE_UPDATE,
    UNCHANGED: RowResult.IMPORT_TYPE_SKIP,
}


class SourceFile:
    """The bytes of a file as uploaded: the import reads them itself (encoding, workbook or CSV)."""

    def __init__(self, content: bytes, name: str = ""):
        self.content = bytes(content)
        self.name = name

    def __len__(self) -> int:
        return len(self.content)

    @classmethod
    def of(cls, dataset, name: str = "") -> "SourceFile":
        if isinstance(dataset, cls):
            return dataset
        if isinstance(dataset, bytes | bytearray | memoryview):
            return cls(bytes(dataset), name)
        if isinstance(dataset, tablib.Dataset):
            # Written out and read back, so a Dataset meets exactly the checks an upload meets.
            return cls(dataset.export("csv").encode("utf-8"), name or "dataset.csv")
        raise TypeError(f"cannot import from {type(dataset).__name__}")


class SpreadsheetFormat(base_formats.Format):
    """One format for the admin's import page: CSV in any of its encodings, or an .xlsx workbook."""

    def __init__(self, encoding=None):
        self.encoding = encoding  # the admin passes its text encoding; the import detects its own

    def get_title(self):
        return "CSV or Excel workbook (.csv, .xlsx)"

    def create_dataset(self, in_stream):
        return SourceFile(in_stream if isinstance(in_stream, bytes) else in_stream.encode("utf-8"))

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def get_extension(self):
        return "csv"

    def get_content_type(self):
        return "text/csv"

    def can_import(self):
        return True

    def can_export(self):
        return False


class ImportResult(Result):
    """The import's outcome in the shape the admin's import page renders."""

    def __init__(self, outcome, columns):
        super().__init__()
        batch = outcome.batch
        self.batch = batch
        self.outcome = outcome
        self.diff_headers = list(columns)
        self.total_rows = batch.rows
        self.totals[RowResult.IMPORT_TYPE_NEW] = batch.created
        self.totals[RowResult.IMPORT_TYPE_UPDATE] = batch.updated
        self.totals[RowResult.IMPORT_TYPE_SKIP] = batch.unchanged
        for row, action, values, before in batch.outcomes:
            result = RowResult()
            result.import_type = IMPORT_TYPES[action]
            result.row_values = dict(zip(columns, values, strict=True))
            result.diff = [
                f"{before[c]} → {v}" if c in before else v for c, v in zip(columns, values, strict=True)
            ]
            result.number = row
            self.rows.append(result)
        for problem in outcome.problems[:STORED_PROBLEMS]:
            self.invalid_rows.append(
                InvalidRow(
                    number=problem.row,
                    validation_error=ValidationError({problem.column: [problem.message]}),
                    values=(),
                )
            )

    def has_errors(self):
        # Every failure is a problem with the file, shown as a validation error per row.
        return bool(self.base_errors)


class BulkImportMixin:
    """Replaces the row-by-row import with the checked bulk import; the rest of the Resource is the library's."""

    kind: str

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        source = SourceFile.of(dataset, kwargs.get("file_name") or "")
        batch = kwargs.get("batch")
        if batch is None:
            batch = import_batch_start(
                kind=self.kind,
                content=source.content,
                file_name=kwargs.get("file_name") or source.name,
                source=kwargs.get("source", ImportSource.ADMIN),
                dry_run=dry_run,
                user=kwargs.get("user"),
                by_name=kwargs.get("by_name", ""),
                create_teams=kwargs.get("create_teams", False),
                encoding=kwargs.get("encoding", "auto"),
            )
        outcome = import_batch_process(batch=batch, content=source.content, progress=kwargs.get("progress"))
        if raise_errors and outcome.problems:
            first = outcome.problems[0]
            raise exceptions.ImportError(str(first), number=first.row)
        return ImportResult(outcome, preview_columns(self.kind))


class FormulaSafeExportMixin:
    def export_field(self, field, instance, **kwargs):
        return formula_escaped(super().export_field(field, instance, **kwargs))


class TrainingRecordResource(BulkImportMixin, FormulaSafeExportMixin, resources.ModelResource):
    kind = ImportKind.TRAINING

    employee_number = fields.Field(attribute="colleague__employee_number", column_name="employee_number")
    course = fields.Field(attribute="course__code", column_name="course")
    completed_on = fields.Field(
        attribute="completed_on", column_name="completed_on", widget=widgets.DateWidget("%Y-%m-%d")
    )
    provider = fields.Field(attribute="provider", column_name="provider")
    certificate = fields.Field(attribute="certificate", column_name="certificate")
    notes = fields.Field(attribute="notes", column_name="notes")

    class Meta:
        model = TrainingRecord
        name = "Training records"
        fields = training_checks.COLUMN_ORDER
        export_order = fields
        import_id_fields = ("employee_number", "course", "completed_on")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("colleague", "course")


class ColleagueResource(BulkImportMixin, FormulaSafeExportMixin, resources.ModelResource):
    kind = ImportKind.COLLEAGUES

    employee_number = fields.Field(attribute="employee_number", column_name="employee_number")
    first_name = fields.Field(attribute="first_name", column_name="first_name")
    last_name = fields.Field(attribute="last_name", column_name="last_name")
    email = fields.Field(attribute="email", column_name="email")
    role = fields.Field(attribute="current_role_code", column_name="role")
    team = fields.Field(attribute="team__name", column_name="team")
    manager = fields.Field(attribute="line_manager__employee_number", column_name="manager")
    start_date = fields.Field(
        attribute="start_date", column_name="start_date", widget=widgets.DateWidget("%Y-%m-%d")
    )
    role_start_date = fields.Field(
        attribute="role_started_on", column_name="role_start_date", widget=widgets.DateWidget("%Y-%m-%d")
    )
    leaving_date = fields.Field(
        attribute="leaving_date", column_name="leaving_date", widget=widgets.DateWidget("%Y-%m-%d")
    )

    class Meta:
        model = Colleague
        name = "Colleagues"
        fields = colleague_checks.COLUMN_ORDER
        export_order = fields
        import_id_fields = ("employee_number",)

    def filter_export(self, queryset, **kwargs):
        # The current role comes from role history, as on every other page (one query).
        return colleagues_with_current_role().filter(pk__in=queryset.values("pk")).order_by("employee_number")


RESOURCES = {ImportKind.TRAINING: TrainingRecordResource, ImportKind.COLLEAGUES: ColleagueResource}
