from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.managers import CodeManager, natural_key_manager

from ..rules import next_review_date


class Post(models.Model):
    """A post in the organisation (Communities Director), held by one person at a time.

    Policies are owned and sponsored by posts, not people: when the holder
    changes, the policies, reminders and calendar follow the post. History
    keeps who held it when.
    """

    code = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200, unique=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts_held",
        help_text="The person who holds the post now; policy reminders go to them.",
    )
    history = HistoricalRecords()

    objects = natural_key_manager("code")

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.code,)

    @property
    def holder_name(self) -> str:
        if self.holder is None:
            return ""
        return self.holder.get_full_name() or self.holder.username


class PolicyManager(CodeManager):
    """Looks policies up by slug; always brings the owner and sponsor posts and their holders.

    `policy.owner` is read on every list (pages, API, feeds): joining the posts
    here keeps that a fixed number of queries however many policies there are.
    """

    key_fields = ("slug",)

    def get_queryset(self):
        return super().get_queryset().select_related("owner_post__holder", "sponsor_post__holder")


class Policy(models.Model):
    """A policy and its cover sheet: what the current published version says about itself.

    Each published version is also frozen in `PolicyVersion`; publishing a
    review updates this cover sheet and the version record together.
    """

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    owner_post = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policies_owned",
        verbose_name="owner",
        help_text="The post that owns the policy.",
    )
    sponsor_post = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policies_sponsored",
        verbose_name="strategic partner sponsor",
    )
    approval_body = models.CharField(max_length=200, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    eia_endorsed_on = models.DateField("endorsed by the EIA Review Group", null=True, blank=True)
    forum_endorsed_on = models.DateField("endorsed by the Policy Forum", null=True, blank=True)
    review_frequency_months = models.PositiveSmallIntegerField(default=36)
    next_review_override = models.DateField(
        null=True, blank=True, help_text="Set only to move the review away from the computed date."
    )
    next_review_override_reason = models.CharField(max_length=300, blank=True)
    version = models.CharField(max_length=20)
    published = models.BooleanField(default=False)
    related_policies = models.ManyToManyField("self", blank=True, symmetrical=True)
    history = HistoricalRecords()

    objects = PolicyManager()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_frequency_months__gte=1), name="policy_reviewed_at_some_point"
            ),
            models.CheckConstraint(
                condition=Q(next_review_override__isnull=True) | ~Q(next_review_override_reason=""),
                name="policy_review_override_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.title} v{self.version}" if self.version else self.title

    def natural_key(self):
        return (self.slug,)

    # The API (GET /api/v1/policies/) and the pages read `owner` as the post's title.
    @property
    def owner(self) -> str:
        return self.owner_post.title if self.owner_post_id else ""

    @property
    def sponsor(self) -> str:
        return self.sponsor_post.title if self.sponsor_post_id else ""

    @property
    def computed_next_review_date(self):
        return next_review_date(self.forum_endorsed_on, self.review_frequency_months)

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
