import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class CalendarFeedKind(models.TextChoices):
    TEAM_DUE_DATES = "team_due_dates", "My teams' due dates"
    POLICY_REVIEWS = "policy_reviews", "Policy review dates"


class CalendarFeed(models.Model):
    """A secret, revocable address at which a calendar app can subscribe to a feed.

    Calendar apps cannot sign in, so the unguessable token in the URL is the
    credential: it is shown to its owner once, when issued, and revoking it (or
    asking for a new one) makes the old address answer 404 at once. Only a
    SHA-256 hash of the token is kept, as for API keys, so a copy of the
    database gives nobody a working address; the token is long and random, so
    a fast hash is enough.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    kind = models.CharField(max_length=30, choices=CalendarFeedKind.choices)
    # The column keeps its old name: core 0003 hashed the tokens in place, so no column was
    # dropped or renamed under the running version.
    token_hash = models.CharField(max_length=64, unique=True, editable=False, db_column="token")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_feed_per_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.user}"

    @property
    def live(self) -> bool:
        return self.revoked_at is None


def calendar_feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_issue(*, user, kind: str) -> tuple[CalendarFeed, str]:
    """Revoke the user's live feed of this kind (if any) and issue a new secret address.

    Returns the feed and its token in clear: the only time anyone sees it.
    """
    CalendarFeed.objects.filter(user=user, kind=kind, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, kind=kind, token_hash=calendar_feed_token_hash(token))
    return feed, token


def calendar_feed_revoke(*, user, kind: str) -> int:
    return CalendarFeed.objects.filter(user=user, kind=kind, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def calendar_feed_resolve(*, token: str, kind: str) -> CalendarFeed | None:
    """The live feed behind a token, or None (unknown or revoked: the view answers 404)."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=calendar_feed_token_hash(token), kind=kind, revoked_at__isnull=True)
        .first()
    )
    if feed is not None:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    return feed


class QueuedTask(models.Model):
    """A task that could not be sent because the broker (Redis) was unreachable: sent later.

    `core.outbox.OutboxTask.apply_async` writes one instead of raising, so a
    page, an import or a scheduled job keeps working while Redis is down;
    `core.outbox.outbox_drain`, run by beat every OUTBOX_DRAIN_SECONDS, sends
    them in order once Redis answers again and deletes each row it sent.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    task_id = models.CharField(max_length=255, db_index=True)
    eta = models.DateTimeField(null=True, blank=True)
    queue = models.CharField(max_length=200, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Sends tried since it was queued here.")
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.task_name} {self.task_id} (queued {self.queued_at:%Y-%m-%d %H:%M})"


class StoredFile(models.Model):
    """A file kept in PostgreSQL by `core.filestore.DatabaseStorage`: its name and size.

    The bytes are in `StoredChunk` rows of at most a megabyte each, so a file is
    written and read a chunk at a time, never whole in one process's memory.
    """

    name = models.CharField(max_length=400, unique=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class StoredChunk(models.Model):
    file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="one_chunk_per_place")]

    def __str__(self):
        return f"{self.file_id}#{self.number}"
