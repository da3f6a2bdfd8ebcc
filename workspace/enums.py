from django.db import models


class RequestKind(models.TextChoices):
    TRAINING = "training", "Training to verify"
    EXTENSION = "extension", "Extension"
    EXEMPTION = "exemption", "Exemption"
    EQUIVALENCE = "equivalence", "Equivalence"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Awaiting a decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
