from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Policy,
    PolicyAmendment,
    PolicyDocument,
    PolicyReview,
    PolicyVersion,
    Post,
    ReviewCalendarEntry,
    ReviewReminder,
)


class AmendmentInline(admin.TabularInline):
    model = PolicyAmendment
    extra = 0


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ("title", "code", "holder")
    search_fields = ("title", "code", "holder__username", "holder__first_name", "holder__last_name")
    prepopulated_fields = {"code": ("title",)}
    list_select_related = ("holder",)
    raw_id_fields = ("holder",)


@admin.register(Policy)
class PolicyAdmin(SimpleHistoryAdmin):
    list_display = ("title", "version", "owner_post", "forum_endorsed_on", "next_review", "published")
    list_filter = ("published", "owner_post")
    search_fields = ("title", "slug", "owner_post__title")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("related_policies",)
    inlines = (AmendmentInline,)

    @admin.display(description="next review")
    def next_review(self, obj):
        return obj.next_review_date


@admin.register(PolicyAmendment)
class PolicyAmendmentAdmin(SimpleHistoryAdmin):
    list_display = ("policy", "amended_on", "version", "change")
    list_filter = ("policy",)
    search_fields = ("change", "reason")
    list_select_related = ("policy",)


class DocumentInline(admin.TabularInline):
    model = PolicyDocument
    extra = 0
    fields = ("kind", "revision", "file", "original_name", "size", "uploaded_at", "uploaded_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin):
    """Read-only once published: the model refuses the change anyway, so the form does not offer it."""

    list_display = ("policy", "version", "effective_from", "approved_on", "published_on")
    list_filter = ("policy",)
    search_fields = ("policy__title", "version", "change_summary")
    list_select_related = ("policy",)
    inlines = (DocumentInline,)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(PolicyReview)
class PolicyReviewAdmin(SimpleHistoryAdmin):
    list_display = ("policy", "trigger", "started_on", "due_on", "completed_on")
    list_filter = ("trigger", "policy")
    search_fields = ("policy__title", "trigger_detail", "trigger_reference")
    list_select_related = ("policy",)
    raw_id_fields = ("version",)


@admin.register(ReviewReminder)
class ReviewReminderAdmin(admin.ModelAdmin):
    list_display = ("policy", "review_date", "stage", "sent_to", "claimed_at")
    list_filter = ("stage", "policy")
    search_fields = ("policy__title", "sent_to")
    list_select_related = ("policy",)


@admin.register(ReviewCalendarEntry)
class ReviewCalendarEntryAdmin(admin.ModelAdmin):
    list_display = ("policy", "review_date", "sequence", "changed_at")
    list_select_related = ("policy",)
