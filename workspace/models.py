from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from .enums import RequestKind, RequestStatus


class Request(models.Model):
    """Something that changes what counts, asked for by one person and decided by another.

    Extensions, exemptions, equivalences and self-submitted training (issue 17):
    each carries a reason; approving it writes the waiver or equivalence, or
    marks the training record verified. The database refuses a decision by the
    requester (four eyes), and a decision is made once (`workspace.services`
    locks the row and checks it is still pending).
    """

    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    colleague = models.ForeignKey(
        "people.Colleague", null=True, blank=True, on_delete=models.CASCADE, related_name="requests"
    )
    requirement = models.ForeignKey(
        "compliance.Requirement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Training: the course taken; equivalence: the outside course that would count.
    course = models.ForeignKey(
        "training.Course", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Equivalence for an outside qualification not yet in the catalogue: the course is added
    # on approval, so a rejected request leaves the catalogue as it was.
    new_course_code = models.CharField(max_length=30, blank=True)
    new_course_title = models.CharField(max_length=300, blank=True)
    satisfies = models.ForeignKey(
        "training.Course", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey(
        "training.TrainingRecord", null=True, blank=True, on_delete=models.CASCADE, related_name="requests"
    )
    new_due_date = models.DateField(null=True, blank=True)
    original_due_date = models.DateField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    waiver = models.ForeignKey(
        "compliance.Waiver", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    equivalence = models.ForeignKey(
        "training.Equivalence", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RequestKind.values), name="request_kind_known"),
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="request_status_known"),
            # Four eyes, kept by the database whatever the code path.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="request_not_decided_by_requester",
            ),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.PENDING, decided_by__isnull=True, decided_at__isnull=True)
                | Q(~Q(status=RequestStatus.PENDING), decided_by__isnull=False, decided_at__isnull=False),
                name="request_decided_once_decided",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=False, ends_on__gte=F("starts_on")),
                name="request_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} request {self.pk}"
