from django.conf import settings
from django.db import models


class DataExport(models.Model):
    """Who downloaded which personal data, and when (UK GDPR accountability)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=60, help_text="What was exported, e.g. overdue-list.csv.")
    description = models.CharField(max_length=500, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    subject = models.ForeignKey(
        "people.Colleague",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The colleague the export is about, for a subject access export.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} by {self.user} at {self.created_at:%Y-%m-%d %H:%M}"


class Anonymisation(models.Model):
    """A leaver whose personal data was removed under the retention rule; figures are kept."""

    colleague = models.OneToOneField(
        "people.Colleague", on_delete=models.CASCADE, related_name="anonymisation"
    )
    left_on = models.DateField()
    performed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"colleague {self.colleague_id} anonymised {self.performed_at:%Y-%m-%d}"
