from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Policy, PolicyAmendment


class AmendmentInline(admin.TabularInline):
    model = PolicyAmendment
    extra = 0


@admin.register(Policy)
class PolicyAdmin(SimpleHistoryAdmin):
    list_display = ("title", "version", "owner", "forum_endorsed_on", "next_review", "published")
    list_filter = ("published", "owner")
    search_fields = ("title", "slug", "owner")
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
