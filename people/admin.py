from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from simple_history.admin import SimpleHistoryAdmin

from compliance import engine
from compliance.models import Waiver
from compliance.queries import active_on, left_before
from compliance.selectors import catalogue_load, colleague_facts, warning_days
from imports.admin import SpreadsheetImportExportMixin
from imports.models import ImportKind
from imports.resources import ColleagueResource
from training.models import TrainingRecord

from .models import Colleague, Role, RoleAssignment, Team


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "manager")
    search_fields = ("name", "manager__first_name", "manager__last_name")
    autocomplete_fields = ("manager",)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ("role", "started_on")


class TrainingRecordInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0
    fields = ("course", "completed_on", "provider", "certificate", "source")
    readonly_fields = ("source",)
    ordering = ("-completed_on",)


class WaiverInline(admin.StackedInline):
    model = Waiver
    extra = 0
    fields = (
        ("requirement", "kind"),
        "reason",
        ("approved_by", "approved_on"),
        ("new_due_date", "original_due_date"),
        ("starts_on", "ends_on"),
    )


class LeaverFilter(admin.SimpleListFilter):
    title = "employment"
    parameter_name = "employment"

    def lookups(self, request, model_admin):
        return (("active", "Active today"), ("left", "Left"))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "left":
            return queryset.filter(left_before(today))
        if self.value() == "active":
            return queryset.filter(active_on(today))
        return queryset


@admin.register(Colleague)
class ColleagueAdmin(SpreadsheetImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [ColleagueResource]
    import_kind = ImportKind.COLLEAGUES
    list_display = (
        "employee_number",
        "first_name",
        "last_name",
        "team",
        "line_manager",
        "start_date",
        "leaving_date",
    )
    list_filter = (LeaverFilter, "team", "role_assignments__role")
    search_fields = ("employee_number", "first_name", "last_name", "email")
    autocomplete_fields = ("team", "line_manager", "user")
    list_select_related = ("team", "line_manager")
    readonly_fields = ("compliance_today",)
    inlines = (RoleAssignmentInline, TrainingRecordInline, WaiverInline)
    fieldsets = (
        (None, {"fields": ("employee_number", ("first_name", "last_name"), "email", "user")}),
        ("Employment", {"fields": ("team", "line_manager", ("start_date", "leaving_date"))}),
        ("Compliance today", {"fields": ("compliance_today",)}),
    )

    @admin.display(description="Requirements")
    def compliance_today(self, obj):
        if obj.pk is None:
            return "Saved colleagues show their requirements here."
        today = timezone.localdate()
        facts = colleague_facts(Colleague.objects.filter(pk=obj.pk))[obj.pk]
        statuses = engine.colleague_statuses(facts, catalogue_load(), today, warning_days())
        if not statuses:
            return "No requirement applies today (not active, or the role carries none)."
        return format_html_join(
            "",
            "<div><strong>{}</strong>: {} (due {}, valid until {})</div>",
            (
                (
                    s.code,
                    s.status.label,
                    date_format(s.due_date) if s.due_date else "—",
                    date_format(s.valid_until) if s.valid_until else "—",
                )
                for s in statuses
            ),
        )
