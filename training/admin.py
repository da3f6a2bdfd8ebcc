from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from imports.admin import SpreadsheetImportExportMixin
from imports.models import ImportKind
from imports.resources import TrainingRecordResource

from .models import Course, Equivalence, TrainingRecord


@admin.register(Course)
class CourseAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "kind", "level", "provider")
    list_filter = ("kind", "level")
    search_fields = ("code", "title", "provider")


@admin.register(Equivalence)
class EquivalenceAdmin(SimpleHistoryAdmin):
    list_display = ("course", "satisfies", "approved_by", "approved_on")
    list_filter = ("satisfies",)
    search_fields = ("course__code", "course__title", "satisfies__code", "approved_by")
    autocomplete_fields = ("course", "satisfies")


@admin.register(TrainingRecord)
class TrainingRecordAdmin(SpreadsheetImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [TrainingRecordResource]
    import_kind = ImportKind.TRAINING
    list_display = ("colleague", "course", "completed_on", "provider", "certificate", "source", "verified")
    list_filter = ("course", "source", "verified", "colleague__team")
    search_fields = (
        "colleague__employee_number",
        "colleague__first_name",
        "colleague__last_name",
        "certificate",
    )
    autocomplete_fields = ("colleague", "course")
    list_select_related = ("colleague", "course")
    date_hierarchy = "completed_on"
    readonly_fields = ("recorded_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
