"""SPEC.md 5: review arithmetic, pure."""

import datetime as dt

from django.db import models

from core.dates import add_months


class ReviewStatus(models.TextChoices):
    CURRENT = "current", "Current"
    DUE_SOON = "due_soon", "Review due soon"
    OVERDUE = "overdue", "Review overdue"


def next_review_date(
    forum_endorsed_on: dt.date | None, frequency_months: int, override: dt.date | None = None
) -> dt.date | None:
    """The Policy Forum endorsement of the current version + the review frequency, unless set explicitly."""
    if override is not None:
        return override
    if forum_endorsed_on is None:
        return None
    return add_months(forum_endorsed_on, frequency_months)


def review_status(next_review: dt.date | None, day: dt.date, warning_days: int) -> ReviewStatus:
    if next_review is None:
        return ReviewStatus.CURRENT
    if day > next_review:
        return ReviewStatus.OVERDUE
    if (next_review - day).days <= warning_days:
        return ReviewStatus.DUE_SOON
    return ReviewStatus.CURRENT
