"""docs/rules.md §6: review arithmetic, pure."""

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


# Issue 5: the owner hears 180, 90 and 30 days before the review, then weekly while it is overdue.
REMINDER_DAYS_BEFORE = (30, 90, 180)


def reminder_stage(next_review: dt.date | None, day: dt.date) -> str | None:
    """The reminder that `day` falls in: "180", "90", "30" (days before) or "overdue-N" (week N overdue).

    Only the stage `day` is in is ever due: a stage that passed unsent (the
    scheduler was down, or the product was installed late) is superseded by
    the next one, never sent after it. So the first run after install sends
    each owner at most one reminder per policy, about where it stands today,
    rather than the backlog of every stage missed before.
    """
    if next_review is None:
        return None
    days_left = (next_review - day).days
    if days_left < 0:
        # Days 1-7 after the review date are week 1, days 8-14 week 2, ...
        return f"overdue-{(-days_left - 1) // 7 + 1}"
    for days in REMINDER_DAYS_BEFORE:
        if days_left <= days:
            return str(days)
    return None


def version_after(version: str) -> str:
    """The next major version label: "2" -> "3", "1.2" -> "2"; anything else gets " (revised)"."""
    head = version.split(".", 1)[0]
    return str(int(head) + 1) if head.isdigit() else (f"{version} (revised)" if version else "1")
