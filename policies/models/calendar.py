from django.db import models

from .register import Policy


class ReviewCalendarEntry(models.Model):
    """What the calendar feeds last published for a policy's review, so a moved date bumps SEQUENCE.

    Calendar apps keep an event they have seen and replace it only when its
    SEQUENCE goes up (RFC 5545 3.8.7.4): the date the feeds last said and how
    many times it has moved are kept here, out of the reference fixture, so
    reloading the fixture never sends the count backwards.
    """

    policy = models.OneToOneField(Policy, on_delete=models.CASCADE, related_name="calendar_entry")
    review_date = models.DateField()
    sequence = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "review calendar entries"

    def __str__(self):
        return f"{self.policy.slug}: {self.review_date} (sequence {self.sequence})"


class ReviewReminder(models.Model):
    """One reminder sent to a policy's owner. The row is the claim: its constraint makes each send once only."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="review_reminders")
    review_date = models.DateField(help_text="The review date the reminder was about.")
    stage = models.CharField(max_length=20, help_text="180, 90 or 30 days before, or overdue-N (week N).")
    sent_to = models.EmailField()
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy", "review_date", "claimed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "review_date", "stage"], name="one_reminder_per_review_date_and_stage"
            ),
        ]

    def __str__(self):
        return f"{self.policy.slug} {self.review_date} {self.stage} to {self.sent_to}"
