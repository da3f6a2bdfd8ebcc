from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Request


@admin.register(Request)
class RequestAdmin(SimpleHistoryAdmin):
    """Read-only for superusers: requests are made and decided on the workspace's pages (four eyes)."""

    list_display = ("kind", "status", "colleague", "requirement", "course", "requested_by", "requested_at")
    list_filter = ("kind", "status")
    list_select_related = ("colleague", "requirement", "course", "requested_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
