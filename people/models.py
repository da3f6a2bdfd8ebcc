from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.managers import natural_key_manager
from imports.fields import import_batch_field


class Role(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    objects = natural_key_manager("code")

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def natural_key(self):
        return (self.code,)


class Team(models.Model):
    name = models.CharField(max_length=200, unique=True)
    manager = models.ForeignKey(
        "Colleague", null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_teams"
    )
    import_batch = import_batch_field("teams")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Colleague(models.Model):
    """A member of staff. Their role over time lives in `RoleAssignment`."""

    employee_number = models.CharField(max_length=30, unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="colleagues")
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    start_date = models.DateField(help_text="Date of recruitment.")
    leaving_date = models.DateField(null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="colleague"
    )
    import_batch = import_batch_field("colleagues")
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "employee_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(leaving_date__isnull=True) | Q(leaving_date__gte=F("start_date")),
                name="colleague_leaves_after_starting",
            ),
            models.CheckConstraint(
                condition=Q(line_manager__isnull=True) | ~Q(line_manager=F("pk")),
                name="colleague_not_own_manager",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.employee_number})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class RoleAssignment(models.Model):
    """The colleague held `role` from `started_on` until their next assignment.

    A role change starts the new role's 12-month clock (docs/rules.md §3.1), so the
    history is kept rather than overwritten.
    """

    colleague = models.ForeignKey(Colleague, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    started_on = models.DateField()
    import_batch = import_batch_field("role_assignments")
    history = HistoricalRecords()

    class Meta:
        ordering = ["colleague", "started_on"]
        constraints = [
            models.UniqueConstraint(fields=["colleague", "started_on"], name="one_role_change_per_day"),
        ]

    def __str__(self):
        return f"{self.colleague.employee_number}: {self.role.code} from {self.started_on}"
