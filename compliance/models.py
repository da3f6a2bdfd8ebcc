from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from simple_history.models import HistoricalRecords

from core.managers import natural_key_manager

from .enums import WaiverKind


class CaseType(models.Model):
    """A kind of case that only officers meeting its gating requirements may take."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    roles = models.ManyToManyField("people.Role", related_name="case_types", help_text="Roles admitted.")
    history = HistoricalRecords()

    objects = natural_key_manager("code")

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class Requirement(models.Model):
    """What a policy requires of a role: a course (or equivalent), by when, and how often.

    Requirements are data so that a new policy version can change them without
    a release; `in_force_from`/`in_force_until` keep earlier dates judged by the
    rules then in force.
    """

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    roles = models.ManyToManyField("people.Role", related_name="requirements")
    courses = models.ManyToManyField(
        "training.Course", related_name="requirements", help_text="Courses that satisfy it directly."
    )
    first_due_months = models.PositiveSmallIntegerField(
        default=12, help_text="Months after the colleague starts the role."
    )
    recurrence_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Months a completion stays valid; empty for a one-off qualification."
    )
    gates = models.ManyToManyField(CaseType, blank=True, related_name="gated_by")
    policy = models.ForeignKey(
        "policies.Policy", null=True, blank=True, on_delete=models.PROTECT, related_name="requirements"
    )
    policy_version = models.CharField(max_length=20, blank=True)
    clause = models.CharField(max_length=100, blank=True)
    in_force_from = models.DateField()
    in_force_until = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = natural_key_manager("code")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_force_until__isnull=True) | Q(in_force_until__gte=F("in_force_from")),
                name="requirement_in_force_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(recurrence_months__isnull=True) | Q(recurrence_months__gte=1),
                name="requirement_recurs_after_a_month_or_more",
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.name}"

    def natural_key(self):
        return (self.code,)


class Waiver(models.Model):
    """An approved extension (new due date) or exemption (does not apply) for one requirement."""

    colleague = models.ForeignKey("people.Colleague", on_delete=models.CASCADE, related_name="waivers")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="waivers")
    kind = models.CharField(max_length=20, choices=WaiverKind.choices)
    reason = models.TextField()
    approved_by = models.CharField(max_length=200)
    approved_on = models.DateField()
    new_due_date = models.DateField(null=True, blank=True, help_text="Extensions: the new due date.")
    original_due_date = models.DateField(
        null=True, blank=True, help_text="Extensions: the due date it replaces (this cycle only)."
    )
    starts_on = models.DateField(null=True, blank=True, help_text="Exemptions: first day it applies.")
    ends_on = models.DateField(null=True, blank=True, help_text="Exemptions: last day; empty for indefinite.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["colleague", "requirement", "approved_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=WaiverKind.EXTENSION) | Q(new_due_date__isnull=False),
                name="extension_has_new_due_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind=WaiverKind.EXEMPTION) | Q(starts_on__isnull=False),
                name="exemption_has_start",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=False, ends_on__gte=F("starts_on")),
                name="exemption_period_ordered",
            ),
            models.CheckConstraint(condition=Q(kind__in=WaiverKind.values), name="waiver_kind_known"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.requirement.code} for {self.colleague.employee_number}"


class Change(models.Model):
    """A write that may have moved a colleague's answers, waiting to be applied (`compliance.changes`).

    Written only by database triggers, in the writer's own transaction; read
    and deleted only by `changes_drain`. No foreign key: a colleague erased
    since still needs their figures taken out.
    """

    id = models.BigAutoField(primary_key=True)
    colleague_id = models.BigIntegerField(null=True)
    # A change to the catalogue (requirements, courses, roles...): anyone's answer may move.
    everyone = models.BooleanField(db_default=False)
    source = models.CharField(max_length=63, help_text="The table written to.")
    recorded_at = models.DateTimeField(db_default=Now())

    class Meta:
        indexes = [models.Index(fields=["colleague_id"], name="change_colleague")]

    def __str__(self):
        who = "everyone" if self.everyone else f"colleague {self.colleague_id}"
        return f"{who} ({self.source})"
