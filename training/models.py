from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.managers import natural_key_manager
from imports.fields import import_batch_field


class CourseKind(models.TextChoices):
    QUALIFICATION = "qualification", "Qualification"
    REFRESHER = "refresher", "Refresher"
    SESSION = "session", "Session"


class RecordSource(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    IMPORT = "import", "Bulk import"
    SESSION = "session", "Session attendance"
    DEMO = "demo", "Demo data"


class Course(models.Model):
    code = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=CourseKind.choices)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    provider = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    objects = natural_key_manager("code")

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}: {self.title}"

    def natural_key(self):
        return (self.code,)


class Equivalence(models.Model):
    """Holding `course` counts as holding `satisfies` ("BTEC or equivalent").

    Not transitive: A satisfies B and B satisfies C does not make A satisfy C
    unless that is recorded too (docs/rules.md §1).
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="equivalent_to")
    satisfies = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="accepted_equivalents")
    approved_by = models.CharField(max_length=200, help_text="Who approved the equivalence.")
    approved_on = models.DateField()
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = natural_key_manager("course__code", "satisfies__code")

    class Meta:
        ordering = ["satisfies__code", "course__code"]
        constraints = [
            models.UniqueConstraint(fields=["course", "satisfies"], name="one_equivalence_per_pair"),
            models.CheckConstraint(condition=~Q(course=F("satisfies")), name="equivalence_not_to_itself"),
        ]

    def __str__(self):
        return f"{self.course.code} satisfies {self.satisfies.code}"

    def natural_key(self):
        return (self.course.code, self.satisfies.code)


class TrainingRecord(models.Model):
    """A completed course. One per colleague, course and completion date."""

    colleague = models.ForeignKey(
        "people.Colleague", on_delete=models.CASCADE, related_name="training_records"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField()
    provider = models.CharField(max_length=200, blank=True)
    certificate = models.CharField("certificate reference", max_length=200, blank=True)
    notes = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=RecordSource.choices, default=RecordSource.MANUAL)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    import_batch = import_batch_field("training_records")
    # A record a colleague submits counts only once HR has checked its evidence; HR's own
    # entries, imports and session attendance are verified when written. A database default,
    # so rows written by the release still running during an upgrade count as before.
    verified = models.BooleanField(default=True, db_default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["colleague", "-completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["colleague", "course", "completed_on"], name="one_record_per_colleague_course_day"
            ),
        ]
        indexes = [models.Index(fields=["course", "completed_on"])]

    def __str__(self):
        return f"{self.colleague.employee_number} {self.course.code} {self.completed_on}"


def evidence_upload_to(evidence: "Evidence", filename: str) -> str:
    return f"evidence/{evidence.sha256[:2]}/{evidence.sha256}/{filename}"


class Evidence(models.Model):
    """A certificate file (PDF, JPEG or PNG) backing a training record.

    The file is in the default storage (PostgreSQL, core.filestore). One
    stored file may back several records: a session's certificate attached to
    every attendee's record is stored once.
    """

    record = models.ForeignKey(TrainingRecord, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_upload_to, max_length=400)
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
        ordering = ["record", "uploaded_at"]

    def __str__(self):
        return f"{self.original_name} for {self.record_id}"
