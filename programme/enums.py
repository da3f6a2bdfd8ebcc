from django.db import models


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    WAITLISTED = "waitlisted", "Waiting list"
    CANCELLED = "cancelled", "Cancelled"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "Did not attend"

    @classmethod
    def holding_place(cls) -> frozenset["BookingStatus"]:
        """Statuses that use one of the session's places (a no-show still took one)."""
        return frozenset({cls.BOOKED, cls.ATTENDED, cls.NO_SHOW})

    @classmethod
    def live(cls) -> frozenset["BookingStatus"]:
        """Every status but cancelled: the colleague is on this session's list."""
        return frozenset(set(cls) - {cls.CANCELLED})

    @classmethod
    def markable(cls) -> frozenset["BookingStatus"]:
        """Statuses a register can set or correct to attended / no-show."""
        return frozenset({cls.BOOKED, cls.ATTENDED, cls.NO_SHOW})


class RepeatPattern(models.TextChoices):
    ONCE = "once", "Once only"
    SAME_DATE = "same_date", "Same date each time (e.g. the 14th)"
    SAME_WEEKDAY = "same_weekday", "Same weekday each time (e.g. the 2nd Tuesday)"


class MessageKind(models.TextChoices):
    INVITATION = "invitation", "Invitation"
    CANCELLATION = "cancellation", "Cancellation"
    WAITLISTED = "waitlisted", "Waiting list notice"
    NO_SHOW = "no_show", "No-show report to manager"


class NeedKind(models.TextChoices):
    REFRESHER = "refresher", "Refreshers"
    QUALIFICATION = "qualification", "Qualifications"
