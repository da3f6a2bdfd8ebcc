from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.managers import CodeManager

from ..enums import DocumentKind, EiaRating
from .register import Policy


class PublishedVersionError(Exception):
    """A published version (and its documents) is the record of what was approved: never edited."""


class PolicyVersionQuerySet(models.QuerySet):
    # Bulk writes skip save(); refuse them too (PostgreSQL's trigger is the last word).
    def update(self, **kwargs):
        if self.filter(published_on__isnull=False).exists():
            raise PublishedVersionError("A published policy version cannot be changed.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(published_on__isnull=False).exists():
            raise PublishedVersionError("A published policy version cannot be deleted.")
        return super().delete()


class PolicyVersionManager(CodeManager.from_queryset(PolicyVersionQuerySet)):
    key_fields = ("policy__slug", "version")


class PolicyVersion(models.Model):
    """One version of a policy: a draft while its review runs, then, once published, frozen.

    Publication is the moment the organisation commits to what the version
    says and when it was approved, so a published row is never updated: the
    model refuses it, and on PostgreSQL a trigger refuses any UPDATE or DELETE
    that would change it (migration 0003).
    """

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(max_length=20)
    change_summary = models.TextField(blank=True, help_text="What changed; 'No change' is a valid answer.")
    effective_from = models.DateField(
        null=True, blank=True, help_text="The day the version (and any requirement it changes) takes effect."
    )
    eia_endorsed_on = models.DateField("endorsed by the EIA Review Group", null=True, blank=True)
    eia_rating = models.CharField("EIA rating", max_length=20, choices=EiaRating.choices, blank=True)
    eia_minute_ref = models.CharField("EIA Review Group minute", max_length=100, blank=True)
    forum_endorsed_on = models.DateField("endorsed by the Policy Forum", null=True, blank=True)
    forum_minute_ref = models.CharField("Policy Forum minute", max_length=100, blank=True)
    approval_body = models.CharField(max_length=200, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    approval_minute_ref = models.CharField("approval minute", max_length=100, blank=True)
    review_frequency_months = models.PositiveSmallIntegerField(default=36)
    next_review_date = models.DateField(null=True, blank=True, help_text="As set when it was published.")
    published_on = models.DateField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    objects = PolicyVersionManager()

    class Meta:
        ordering = ["policy", "published_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "version"], name="one_row_per_policy_version"),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True)
                | (
                    Q(
                        effective_from__isnull=False,
                        eia_endorsed_on__isnull=False,
                        forum_endorsed_on__isnull=False,
                        approved_on__isnull=False,
                    )
                    & ~Q(eia_rating="")
                    & ~Q(version="")
                ),
                name="published_version_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True)
                | Q(forum_endorsed_on__isnull=True)
                | Q(approved_on__gte=F("forum_endorsed_on")),
                name="version_approved_after_forum",
            ),
            models.CheckConstraint(
                condition=Q(effective_from__isnull=True)
                | Q(approved_on__isnull=True)
                | Q(effective_from__gte=F("approved_on")),
                name="version_effective_after_approval",
            ),
            models.CheckConstraint(
                condition=Q(eia_rating="") | Q(eia_rating__in=EiaRating.values),
                name="version_eia_rating_known",
            ),
        ]

    def __str__(self):
        return f"{self.policy.title} v{self.version}"

    def save(self, *args, **kwargs):
        stored = self._stored()
        if stored is not None and stored["published_on"] is not None:
            changed = [name for name, value in stored.items() if getattr(self, name) != value]
            if changed:
                raise PublishedVersionError(
                    f"{self} is published and cannot be changed (tried to change {', '.join(changed)})."
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored = self._stored()
        if stored is not None and stored["published_on"] is not None:
            raise PublishedVersionError(f"{self} is published and cannot be deleted.")
        return super().delete(*args, **kwargs)

    def natural_key(self):
        return (*self.policy.natural_key(), self.version)

    natural_key.dependencies = ["policies.policy"]

    @property
    def is_published(self) -> bool:
        return self.published_on is not None

    def _stored(self) -> dict | None:
        if self.pk is None:
            return None
        names = [f.attname for f in self._meta.concrete_fields]
        return type(self)._base_manager.filter(pk=self.pk).values(*names).first()


def document_upload_to(document: "PolicyDocument", filename: str) -> str:
    # The version's id, not its label: a draft's label may still change.
    version = document.version
    return (
        f"policies/{version.policy.slug}/version-{version.pk}/{document.kind}-r{document.revision}-{filename}"
    )


class PolicyDocument(models.Model):
    """A file attached to a policy version: the policy itself or its equality impact assessment.

    Uploading again while the version is a draft adds a revision; the latest
    revision of each kind is the one in force. Once the version is published
    its documents are frozen with it.
    """

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    revision = models.PositiveSmallIntegerField()
    file = models.FileField(upload_to=document_upload_to, max_length=400)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "kind", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["version", "kind", "revision"], name="one_document_revision"),
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="document_kind_known"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} r{self.revision} of {self.version}"

    def save(self, *args, **kwargs):
        if self._frozen():
            raise PublishedVersionError("Documents of a published version cannot be added or changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._frozen():
            raise PublishedVersionError("Documents of a published version cannot be deleted.")
        return super().delete(*args, **kwargs)

    def _frozen(self) -> bool:
        return PolicyVersion._base_manager.filter(pk=self.version_id, published_on__isnull=False).exists()
