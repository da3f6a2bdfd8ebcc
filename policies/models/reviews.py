from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from ..enums import ReviewStep, ReviewTrigger
from .register import Policy
from .versions import PolicyVersion


class PolicyReview(models.Model):
    """One review of a policy, from its trigger to the publication of the version it produces.

    The review's own facts (why it started, the consultation, the meetings
    planned) live here; what the review decides (EIA, endorsements, approval,
    the change) is recorded on its draft `version`, which publication freezes.
    """

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="reviews")
    version = models.OneToOneField(PolicyVersion, on_delete=models.PROTECT, related_name="review")
    trigger = models.CharField(max_length=20, choices=ReviewTrigger.choices)
    trigger_detail = models.TextField(blank=True, help_text="What happened, for a review started early.")
    trigger_reference = models.CharField(
        max_length=100, blank=True, help_text="Incident, complaint or case number; the Act or guidance."
    )
    started_on = models.DateField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True, help_text="The review date when the review started.")
    eia_meeting_on = models.DateField("EIA Review Group meeting", null=True, blank=True)
    forum_meeting_on = models.DateField("Policy Forum meeting", null=True, blank=True)
    board_meeting_on = models.DateField("approving board meeting", null=True, blank=True)
    consultation_opened_on = models.DateField(null=True, blank=True)
    consultation_closed_on = models.DateField(null=True, blank=True)
    consultation_summary = models.TextField(blank=True, help_text="Who was consulted and what they said.")
    completed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "-started_on"]
        constraints = [
            # Two reviews of one policy at once would publish over each other.
            models.UniqueConstraint(
                fields=["policy"], condition=Q(completed_on__isnull=True), name="one_open_review_per_policy"
            ),
            models.CheckConstraint(
                condition=Q(trigger=ReviewTrigger.SCHEDULED) | ~Q(trigger_detail=""),
                name="early_review_records_its_trigger",
            ),
            models.CheckConstraint(
                condition=Q(trigger__in=ReviewTrigger.values), name="review_trigger_known"
            ),
            models.CheckConstraint(
                condition=Q(consultation_closed_on__isnull=True)
                | Q(
                    consultation_opened_on__isnull=False,
                    consultation_closed_on__gte=F("consultation_opened_on"),
                ),
                name="consultation_period_ordered",
            ),
        ]

    def __str__(self):
        return f"Review of {self.policy.title} started {self.started_on:%d/%m/%Y}"

    @property
    def is_early(self) -> bool:
        return self.trigger != ReviewTrigger.SCHEDULED

    @property
    def consultation_done(self) -> bool:
        return bool(self.consultation_summary)

    @property
    def step(self) -> ReviewStep:
        """The next thing the review needs, from what has been recorded so far."""
        v = self.version
        if self.completed_on is not None:
            return ReviewStep.PUBLISHED
        if not self.consultation_done:
            return ReviewStep.CONSULTATION
        if v.eia_endorsed_on is None:
            return ReviewStep.EIA
        if v.forum_endorsed_on is None:
            return ReviewStep.FORUM
        if v.approved_on is None:
            return ReviewStep.BOARD
        return ReviewStep.PUBLISH

    @property
    def eia_on(self):
        """The EIA Review Group date: the endorsement once recorded, otherwise the meeting planned."""
        return self.version.eia_endorsed_on or self.eia_meeting_on

    @property
    def forum_on(self):
        return self.version.forum_endorsed_on or self.forum_meeting_on

    @property
    def board_on(self):
        return self.version.approved_on or self.board_meeting_on
