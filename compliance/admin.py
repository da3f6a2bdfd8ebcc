from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CaseType, Change, Requirement, Waiver


@admin.register(CaseType)
class CaseTypeAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    filter_horizontal = ("roles",)


@admin.register(Requirement)
class RequirementAdmin(SimpleHistoryAdmin):
    list_display = (
        "code",
        "name",
        "first_due_months",
        "recurrence_months",
        "policy",
        "clause",
        "in_force_from",
    )
    list_filter = ("roles", "policy")
    search_fields = ("code", "name", "clause")
    filter_horizontal = ("roles", "courses", "gates")


@admin.register(Waiver)
class WaiverAdmin(SimpleHistoryAdmin):
    list_display = (
        "colleague",
        "requirement",
        "kind",
        "approved_by",
        "approved_on",
        "new_due_date",
        "ends_on",
    )
    list_filter = ("kind", "requirement", "colleague__team")
    search_fields = ("colleague__employee_number", "colleague__first_name", "colleague__last_name", "reason")
    autocomplete_fields = ("colleague",)
    list_select_related = ("colleague", "requirement")
    readonly_fields = ("recorded_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    """Changes recorded by the triggers and not yet applied: normally empty within seconds.

    Rows that stay here mean the worker's drain is failing (its error is on /readyz).
    """

    list_display = ("recorded_at", "colleague_id", "everyone", "source")
    list_filter = ("everyone", "source")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
