from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ColleagueReview, ReviewAction


class ReviewActionInline(admin.TabularInline):
    model = ReviewAction
    extra = 0


@admin.register(ColleagueReview)
class ColleagueReviewAdmin(SimpleHistoryAdmin):
    list_display = ("colleague", "reviewed_on", "reviewer_name", "next_review_on")
    list_filter = ("reviewed_on",)
    search_fields = ("colleague__employee_number", "colleague__first_name", "colleague__last_name")
    list_select_related = ("colleague",)
    raw_id_fields = ("colleague", "reviewer")
    readonly_fields = ("snapshot", "created_at")
    inlines = [ReviewActionInline]
