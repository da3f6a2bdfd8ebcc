from django.contrib import admin

from .models import Anonymisation, DataExport


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "row_count", "subject")
    list_filter = ("kind",)
    search_fields = ("kind", "description", "user__username")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Anonymisation)
class AnonymisationAdmin(admin.ModelAdmin):
    list_display = ("colleague", "left_on", "performed_at")

    def has_change_permission(self, request, obj=None):
        return False
