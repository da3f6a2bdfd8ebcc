from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class ColleagueReview(models.Model):
    """A manager's review with a colleague: the training discussed and what was agreed.

    The policy monitors training "through training records and colleague
    reviews"; `snapshot` keeps the statuses as they stood on the review date,
    so the record shows what the conversation was grounded in even after the
    colleague's training moves on.
    """

    colleague = models.ForeignKey("people.Colleague", on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField("review date")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer_name = models.CharField(max_length=200, blank=True, help_text="Kept if the account goes.")
    training_discussed = models.TextField()
    next_review_on = models.DateField("next review date")
    snapshot = models.JSONField(default=dict, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["colleague", "-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_on__gt=F("reviewed_on")),
                name="review_next_after_this_one",
                violation_error_message="The next review must be after this one.",
            ),
        ]
        indexes = [models.Index(fields=["colleague", "-reviewed_on"])]

    def __str__(self):
        return f"Review of {self.colleague.employee_number} on {self.reviewed_on}"


class ReviewAction(models.Model):
    """Something agreed at a review, with the date it should be done by."""

    review = models.ForeignKey(ColleagueReview, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=500)
    due_on = models.DateField("by")
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "due_on", "pk"]

    def __str__(self):
        return f"{self.action} (by {self.due_on})"
