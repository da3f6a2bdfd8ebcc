from django.db import models
from simple_history.models import HistoricalRecords

from core.managers import natural_key_manager

from .rules import next_review_date


class Policy(models.Model):
    """A policy and its cover sheet. Owner and sponsor are posts, not people."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    owner = models.CharField(max_length=200, help_text="The post that owns the policy.")
    sponsor = models.CharField("strategic partner sponsor", max_length=200, blank=True)
    approval_body = models.CharField(max_length=200, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    eia_endorsed_on = models.DateField("endorsed by the EIA Review Group", null=True, blank=True)
    forum_endorsed_on = models.DateField("endorsed by the Policy Forum", null=True, blank=True)
    review_frequency_months = models.PositiveSmallIntegerField(default=36)
    next_review_override = models.DateField(null=True, blank=True)
    next_review_override_reason = models.CharField(max_length=300, blank=True)
    version = models.CharField(max_length=20)
    published = models.BooleanField(default=False)
    related_policies = models.ManyToManyField("self", blank=True, symmetrical=True)
    history = HistoricalRecords()

    objects = natural_key_manager("slug")

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_frequency_months__gte=1), name="policy_reviewed_at_some_point"
            ),
        ]

    def __str__(self):
        return f"{self.title} v{self.version}"

    def natural_key(self):
        return (self.slug,)

    @property
    def next_review_date(self):
        return next_review_date(
            self.forum_endorsed_on, self.review_frequency_months, self.next_review_override
        )

    @property
    def last_reviewed_on(self):
        return self.forum_endorsed_on


class PolicyAmendment(models.Model):
    """One line of the policy's amendment log."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="amendments")
    amended_on = models.DateField()
    version = models.CharField(max_length=20)
    change = models.TextField()
    reason = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = natural_key_manager("policy__slug", "amended_on", "version")

    class Meta:
        ordering = ["policy", "amended_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "amended_on", "version"], name="one_amendment_per_day_and_version"
            ),
        ]

    def __str__(self):
        return f"{self.policy.slug} v{self.version} ({self.amended_on})"

    def natural_key(self):
        return (self.policy.slug, self.amended_on.isoformat(), self.version)
