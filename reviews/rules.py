"""When a colleague's next review is due, and the snapshot a review keeps. Pure functions."""

from __future__ import annotations

import datetime as dt

from django.db import models

from compliance import engine
from core.dates import add_months

# A review due within this many days is flagged so a manager can book the conversation.
REVIEW_DUE_SOON_DAYS = 30


class ReviewStatus(models.TextChoices):
    OVERDUE = "overdue", "Overdue"
    DUE_SOON = "due_soon", "Due soon"
    CURRENT = "current", "Up to date"


def review_due_date(*, start_date: dt.date, next_review_on: dt.date | None, interval_months: int) -> dt.date:
    """The date agreed at the last review; with none yet, one review interval after the colleague started."""
    return next_review_on or add_months(start_date, interval_months)


def review_status(due: dt.date, day: dt.date) -> ReviewStatus:
    """Like a training due date, the due date itself is still on time (docs/rules.md §2)."""
    if day > due:
        return ReviewStatus.OVERDUE
    if (due - day).days <= REVIEW_DUE_SOON_DAYS:
        return ReviewStatus.DUE_SOON
    return ReviewStatus.CURRENT


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def status_snapshot(
    *,
    day: dt.date,
    role: str | None,
    role_started_on: dt.date | None,
    statuses: list[engine.RequirementStatus],
    catalogue: engine.Catalogue,
) -> dict:
    """The colleague's statuses on `day` as plain JSON, as the engine gave them."""
    names = {r.code: r.name for r in catalogue.requirements}
    return {
        "as_of": day.isoformat(),
        "role": role,
        "role_started_on": _iso(role_started_on),
        "requirements": [
            {
                "code": s.code,
                "name": names.get(s.code, s.code),
                "status": str(s.status),
                "due_date": _iso(s.due_date),
                "valid_until": _iso(s.valid_until),
            }
            for s in statuses
        ],
    }
