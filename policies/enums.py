from django.db import models


class ReviewTrigger(models.TextChoices):
    """Why a review started: on schedule, or early because something happened."""

    SCHEDULED = "scheduled", "Scheduled review"
    INCIDENT = "incident", "An incident"
    COMPLAINT = "complaint", "A complaint"
    LEGISLATION = "legislation", "New legislation or guidance"
    CASE_REVIEW = "case_review", "A case review"

    @classmethod
    def early(cls) -> frozenset["ReviewTrigger"]:
        return frozenset(set(cls) - {cls.SCHEDULED})


class EiaRating(models.TextChoices):
    """The equality impact assessment's overall rating of the policy's impact on protected groups."""

    POSITIVE = "positive", "Positive impact"
    NEUTRAL = "neutral", "No adverse impact"
    LOW = "low", "Low adverse impact (mitigated)"
    MEDIUM = "medium", "Medium adverse impact (actions agreed)"
    HIGH = "high", "High adverse impact"
    # Versions approved before the register was kept here: the cover sheet gives the EIA's date only.
    NOT_RECORDED = "not_recorded", "Not recorded here"

    @classmethod
    def recordable(cls) -> list[tuple[str, str]]:
        return [(value, label) for value, label in cls.choices if value != cls.NOT_RECORDED]


class DocumentKind(models.TextChoices):
    POLICY = "policy", "Policy document"
    EIA = "eia", "Equality impact assessment"


class ReviewStep(models.TextChoices):
    """The review's progress, worked out from what has been recorded (never stored)."""

    CONSULTATION = "consultation", "Consultation"
    EIA = "eia", "Equality impact assessment"
    FORUM = "forum", "Policy Forum endorsement"
    BOARD = "board", "Board approval"
    PUBLISH = "publish", "Ready to publish"
    PUBLISHED = "published", "Published"
