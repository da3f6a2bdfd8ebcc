from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.dates import uk_when

from .enums import BookingStatus, MessageKind, SessionStatus


class Session(models.Model):
    """One sitting of a course: a Stop Hate UK session, a refresher or a BTEC cohort."""

    course = models.ForeignKey("training.Course", on_delete=models.PROTECT, related_name="sessions")
    provider = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=300, blank=True)
    online_link = models.URLField("online link", max_length=500, blank=True)
    facilitator = models.CharField(max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(help_text="Places available.")
    status = models.CharField(max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    # Sessions planned together in one step share a series, so the programme can be read as one.
    series = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_it_starts",
                violation_error_message="A session must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="session_has_a_place",
                violation_error_message="A session needs at least one place.",
            ),
            models.CheckConstraint(
                condition=~Q(venue="") | ~Q(online_link=""),
                name="session_has_venue_or_online_link",
                violation_error_message="Give a venue, an online link, or both.",
            ),
            models.CheckConstraint(condition=Q(status__in=SessionStatus.values), name="session_status_known"),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self):
        return f"{self.course.code} on {timezone.localtime(self.starts_at):%d %b %Y %H:%M}"

    @property
    def described(self) -> str:
        """The session in a sentence, as messages name it: the course in words and its start, UK time."""
        return f"{self.course.title} on {uk_when(self.starts_at)}"

    @property
    def local_date(self):
        """The calendar date of the session in Europe/London: the completion date attendance records."""
        return timezone.localtime(self.starts_at).date()

    @property
    def where(self) -> str:
        return " / ".join(part for part in (self.venue, "Online" if self.online_link else "") if part)


class Booking(models.Model):
    """A colleague's place (or place on the waiting list) on a session, and what became of it."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    colleague = models.ForeignKey(
        "people.Colleague", on_delete=models.CASCADE, related_name="session_bookings"
    )
    status = models.CharField(max_length=20, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    # The calendar invitation's identity: a calendar app matches updates and
    # cancellations to the event by UID, and takes the one with the highest SEQUENCE.
    uid = models.CharField("calendar UID", max_length=255, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    training_record = models.OneToOneField(
        "training.TrainingRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="booking",
        help_text="The completion that attendance recorded.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "created_at", "pk"]
        constraints = [
            # Rebooking after a cancellation is a new booking (and a new calendar event).
            models.UniqueConstraint(
                fields=["session", "colleague"],
                condition=~Q(status=BookingStatus.CANCELLED),
                name="one_live_booking_per_colleague_and_session",
            ),
            models.CheckConstraint(condition=Q(status__in=BookingStatus.values), name="booking_status_known"),
            models.CheckConstraint(
                condition=Q(training_record__isnull=True) | Q(status=BookingStatus.ATTENDED),
                name="booking_record_only_when_attended",
            ),
        ]
        indexes = [models.Index(fields=["colleague", "status"])]

    def __str__(self):
        return f"{self.colleague.employee_number} on {self.session} ({self.get_status_display()})"


class BookingMessage(models.Model):
    """An email sent about a booking, claimed before it is sent so a retried task never sends twice."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    sequence = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["booking", "sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "kind", "sequence"], name="one_message_per_booking_change"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.sequence} for booking {self.booking_id}"
