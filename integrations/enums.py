from django.db import models


class Scope(models.TextChoices):
    """What an API key reaches (docs/interfaces.md §4.1, `issue_api_token --scopes`)."""

    ELIGIBILITY = "eligibility", "Eligibility endpoints and change webhooks"
    POLICIES = "policies", "Policy list"


DEFAULT_SCOPES = (Scope.ELIGIBILITY,)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    RETRYING = "retrying", "Failed, will retry"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Gave up"


class WebhookEvent(models.TextChoices):
    ELIGIBILITY_CHANGED = "eligibility.changed", "An officer's eligibility for a case type changed"
