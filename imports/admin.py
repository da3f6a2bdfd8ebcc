from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats

from .forms import AdminColleagueImportForm, AdminConfirmForm, AdminImportForm
from .models import ImportBatch, ImportKind, ImportSource
from .reading import estimate_rows
from .resources import SpreadsheetFormat
from .services import import_batch_dispatch, import_batch_start


class SpreadsheetImportExportMixin(ImportExportMixin):
    """The admin's import page (preview, then confirm) on the bulk import; export with formulas escaped.

    A file of more than IMPORT_BACKGROUND_ROWS rows goes to the worker and the
    import's own page, which shows a progress bar, then the same preview.
    """

    import_kind: str
    import_formats = [SpreadsheetFormat]
    export_formats = [base_formats.CSV, base_formats.XLSX]
    confirm_form_class = AdminConfirmForm
    import_template_name = "admin/imports/import.html"
    # The batch and each record's history rows are the record of an import: one
    # LogEntry per imported row would add 100,000 rows to a large import.
    skip_admin_log = True

    def get_import_form_class(self, request):
        return AdminColleagueImportForm if self.import_kind == ImportKind.COLLEAGUES else AdminImportForm

    def has_import_permission(self, request):
        opts = self.opts
        return all(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in ("add", "change")
        )

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["encoding"] = import_form.cleaned_data.get("encoding", "auto")
            initial["create_teams"] = import_form.cleaned_data.get("create_teams", False)
        return initial

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["source"] = ImportSource.ADMIN
        if form is not None and hasattr(form, "cleaned_data"):
            kwargs["encoding"] = form.cleaned_data.get("encoding") or "auto"
            kwargs["create_teams"] = bool(form.cleaned_data.get("create_teams"))
        return kwargs

    def import_action(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                upload = form.cleaned_data["import_file"]
                content = b"".join(upload.chunks())
                if estimate_rows(content) > settings.IMPORT_BACKGROUND_ROWS:
                    batch = import_batch_start(
                        kind=self.import_kind,
                        content=content,
                        file_name=upload.name,
                        source=ImportSource.ADMIN,
                        dry_run=True,
                        user=request.user,
                        create_teams=bool(form.cleaned_data.get("create_teams")),
                        encoding=form.cleaned_data.get("encoding") or "auto",
                        keep_content=True,
                    )
                    import_batch_dispatch(batch=batch)
                    return HttpResponseRedirect(reverse("imports:batch", args=[batch.pk]))
        return super().import_action(request, **kwargs)

    def process_result(self, result, request):
        batch = result.batch
        url = reverse("imports:batch", args=[batch.pk])
        if result.outcome.rejected:
            messages.error(
                request, f"Nothing was imported: {batch.problem_count} problem(s). See import {batch.pk}."
            )
            return HttpResponseRedirect(url)
        messages.success(request, f"Import {batch.pk} done: {batch.counts_line}.")
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        """The message is given by process_result, in the words of docs/interfaces.md §2."""

    def get_export_queryset(self, request):
        from people.access import colleagues_for

        queryset = super().get_export_queryset(request)
        scope = colleagues_for(request.user)
        if self.import_kind == ImportKind.COLLEAGUES:
            return queryset.filter(pk__in=scope.values("pk"))
        return queryset.filter(colleague__in=scope.values("pk"))


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "started_at",
        "kind",
        "file_name",
        "uploaded_by_name",
        "dry_run",
        "status",
        "created",
        "updated",
        "unchanged",
        "problem_count",
        "page",
    )
    list_filter = ("kind", "status", "dry_run", "source")
    search_fields = ("file_name", "sha256", "uploaded_by_name")
    date_hierarchy = "started_at"
    exclude = ("content", "outcomes")
    readonly_fields = [f.name for f in ImportBatch._meta.fields if f.name not in ("content", "outcomes")] + [
        "page"
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content", "outcomes")

    @admin.display(description="rows and problems")
    def page(self, obj):
        return format_html('<a href="{}">open</a>', reverse("imports:batch", args=[obj.pk]))

    def has_add_permission(self, request):
        return False  # an import is made by importing a file

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # provenance: records point at their batch for good
