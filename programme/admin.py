from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .models import Booking, BookingMessage, Session


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Sessions and bookings change through the programme's pages, so invitations and the waiting list follow."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BookingInline(admin.TabularInline):
    model = Booking
    extra = 0
    fields = ("colleague", "status", "sequence", "training_record", "created_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("course", "starts_at", "venue", "facilitator", "capacity", "status")
    list_filter = ("status", "course")
    search_fields = ("course__code", "venue", "facilitator")
    date_hierarchy = "starts_at"
    list_select_related = ("course",)
    readonly_fields = ("series", "created_by", "created_at")
    inlines = [BookingInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("colleague", "session", "status", "sequence", "created_at")
    list_filter = ("status", "session__course")
    search_fields = ("colleague__employee_number", "colleague__first_name", "colleague__last_name", "uid")
    list_select_related = ("colleague", "session__course")
    readonly_fields = ("uid", "sequence", "booked_by", "created_at", "updated_at", "training_record")
    raw_id_fields = ("session", "colleague")


@admin.register(BookingMessage)
class BookingMessageAdmin(ReadOnlyAdmin):
    list_display = ("booking", "kind", "sequence", "sent_at")
    list_filter = ("kind",)
    list_select_related = ("booking__colleague", "booking__session__course")
    raw_id_fields = ("booking",)
