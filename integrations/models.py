"""Machine clients of the API: their keys, what they were told, and the webhooks they asked for."""

import uuid

from django.db import models
from django.db.models import Q

from .enums import DEFAULT_SCOPES, DeliveryStatus, Scope, WebhookEvent


def default_scopes() -> list[str]:
    return [str(s) for s in DEFAULT_SCOPES]


def parse_rate(rate: str) -> tuple[int, int]:
    """A client's `throttle_rate`: `600/min` -> (600, 60); units s, min, hour, day (first letter is enough)."""
    count, _, unit = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit.strip()[:1].lower()]
    return int(count), seconds


class ApiClient(models.Model):
    """A machine client (the case management system): one secret key, some scopes.

    Only a SHA-256 hash of the key is kept: the key is shown once, when issued,
    and a copy of the database gives nobody a working key. Keys are long random
    strings, so a fast hash is enough (no password-style stretching needed).
    """

    name = models.CharField(max_length=100, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(
        max_length=8, editable=False, help_text="The key's first characters, to tell keys apart."
    )
    scopes = models.JSONField(default=default_scopes, help_text="Any of: " + ", ".join(Scope.values))
    throttle_rate = models.CharField(
        max_length=20,
        blank=True,
        help_text="Requests allowed, e.g. 600/min or 20/s; empty: the API_THROTTLE_RATE setting.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self):
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class Decision(models.Model):
    """One answer given to a machine client: what the system said, about whom, for which date.

    A case review can then prove an officer was eligible when a case was
    assigned, even after their records changed. Kept for
    API_DECISION_LOG_RETENTION_DAYS, then pruned by a scheduled task.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="decisions")
    employee_number = models.CharField(max_length=30)
    case_type = models.CharField(max_length=50)
    as_of = models.DateField()
    eligible = models.BooleanField()
    supervision_required = models.BooleanField(default=False)
    eligible_until = models.DateField(null=True, blank=True)
    reasons = models.JSONField(default=list)
    answered_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-answered_at", "-id"]
        indexes = [models.Index(fields=["employee_number", "answered_at"], name="decision_by_employee")]

    def __str__(self):
        return f"{self.employee_number} {self.case_type} on {self.as_of}: {'eligible' if self.eligible else 'not eligible'}"


class Webhook(models.Model):
    """Where a client wants to hear that an officer's eligibility for a case type changed."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    case_type = models.ForeignKey("compliance.CaseType", on_delete=models.CASCADE, related_name="webhooks")
    # Kept in clear: it signs every delivery. Shown to the client once, when registered.
    secret = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client", "url"]

    def __str__(self):
        return f"{self.client}: {self.case_type.code} -> {self.url}"


class EligibilityState(models.Model):
    """The last answer known for a colleague and case type, to tell when it changes."""

    colleague = models.ForeignKey("people.Colleague", on_delete=models.CASCADE, related_name="+")
    case_type = models.ForeignKey("compliance.CaseType", on_delete=models.CASCADE, related_name="+")
    eligible = models.BooleanField()
    supervision_required = models.BooleanField()
    checked_on = models.DateField()
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["colleague", "case_type"], name="one_state_per_colleague_case_type"
            )
        ]

    def __str__(self):
        return f"{self.colleague_id} {self.case_type_id}: {self.eligible}"


class WebhookDelivery(models.Model):
    """One event for one webhook; retried with backoff until delivered or given up."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=50, choices=WebhookEvent.choices)
    # Sent with every attempt, so the receiver can ignore a repeat it already acted on.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_known"
            ),
        ]

    def __str__(self):
        return f"{self.event} to {self.webhook.url} ({self.get_status_display()})"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    attempted_at = models.DateTimeField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="one_attempt_per_number"),
        ]

    def __str__(self):
        return f"attempt {self.number}: {self.response_status or self.error}"
