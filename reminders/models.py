"""The record of every reminder and digest sent: each row is the claim that makes the send happen once.

A send first INSERTs its row; the named UniqueConstraint lets exactly one
INSERT win when the daily task runs twice or on two workers at once
(`core.claims.claim_once`), and only the winner sends the email. The row is
committed once the email has gone: a failed or killed send leaves none
(reminders/services.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReminderStage(models.TextChoices):
    DUE_IN_90_DAYS = "due_in_90_days", "90 days before the due date"
    DUE_IN_30_DAYS = "due_in_30_days", "30 days before the due date"
    DUE_IN_7_DAYS = "due_in_7_days", "7 days before the due date"
    OVERDUE = "overdue", "Overdue (weekly)"

    @classmethod
    def before_due(cls) -> dict["ReminderStage", int]:
        """The stages sent ahead of a due date, with how many days ahead, furthest first."""
        return {cls.DUE_IN_90_DAYS: 90, cls.DUE_IN_30_DAYS: 30, cls.DUE_IN_7_DAYS: 7}


class Reminder(models.Model):
    """One reminder email to a colleague about one requirement's due date."""

    colleague = models.ForeignKey("people.Colleague", on_delete=models.CASCADE, related_name="reminders")
    requirement = models.ForeignKey("compliance.Requirement", on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField()
    stage = models.CharField(max_length=20, choices=ReminderStage.choices)
    overdue_week = models.PositiveSmallIntegerField(
        default=0, help_text="Overdue reminders: whole weeks since the day after the due date (0 = first)."
    )
    sent_on = models.DateField(help_text="The day (Europe/London) the reminder was sent for.")
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "colleague"]
        constraints = [
            models.UniqueConstraint(
                fields=["colleague", "requirement", "due_date", "stage", "overdue_week"],
                name="reminder_sent_once",
            ),
            models.CheckConstraint(condition=Q(stage__in=ReminderStage.values), name="reminder_stage_known"),
            models.CheckConstraint(
                condition=Q(stage=ReminderStage.OVERDUE) | Q(overdue_week=0),
                name="reminder_week_only_when_overdue",
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} of {self.due_date} to colleague {self.colleague_id}"


class ManagerDigest(models.Model):
    """One weekly digest email to a manager about their teams."""

    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_starting = models.DateField(help_text="The Monday of the week the digest covers.")
    overdue_count = models.PositiveIntegerField(default=0)
    due_soon_count = models.PositiveIntegerField(default=0)
    sent_on = models.DateField()
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week_starting", "manager"]
        constraints = [
            models.UniqueConstraint(
                fields=["manager", "week_starting"], name="one_digest_per_manager_per_week"
            ),
        ]

    def __str__(self):
        return f"Digest for {self.manager} (week of {self.week_starting})"


class Nudge(models.Model):
    """One nudge a manager sent a colleague about one requirement, on one day: the claim for the send.

    A manager may pick the same colleague twice in a day (two tabs, two pages
    naming them, or two managers of one team); the named UniqueConstraint lets
    one INSERT win (`core.claims.claim_once`), so the colleague gets one email
    a requirement a day and the page says who was nudged already.
    """

    colleague = models.ForeignKey("people.Colleague", on_delete=models.CASCADE, related_name="nudges")
    requirement = models.ForeignKey("compliance.Requirement", on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField(help_text="The day (Europe/London) the nudge was sent.")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "colleague"]
        constraints = [
            models.UniqueConstraint(fields=["colleague", "requirement", "sent_on"], name="nudge_once_a_day"),
        ]

    def __str__(self):
        return f"Nudge of colleague {self.colleague_id} on {self.sent_on}"
