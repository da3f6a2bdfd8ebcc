from django.contrib import admin

from .models import ManagerDigest, Reminder


class SendLogAdmin(admin.ModelAdmin):
    """The send log is written by the tasks only: HR can read who was told what, and when."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(SendLogAdmin):
    list_display = ("colleague", "requirement", "due_date", "stage", "overdue_week", "sent_on")
    list_filter = ("stage", "requirement", "sent_on")
    search_fields = ("colleague__employee_number", "colleague__last_name")
    list_select_related = ("colleague", "requirement")
    date_hierarchy = "sent_on"


@admin.register(ManagerDigest)
class ManagerDigestAdmin(SendLogAdmin):
    list_display = ("manager", "week_starting", "overdue_count", "due_soon_count", "sent_on")
    list_select_related = ("manager",)
    date_hierarchy = "week_starting"
