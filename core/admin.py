from django.contrib import admin

from .models import QueuedTask


@admin.register(QueuedTask)
class QueuedTaskAdmin(admin.ModelAdmin):
    """The outbox: tasks waiting for Redis to come back (sent by beat's core.outbox_drain)."""

    list_display = ("task_name", "task_id", "queued_at", "eta", "attempts", "last_error")
    readonly_fields = [f.name for f in QueuedTask._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
