"""Reads for colleague reviews: fixed query counts whatever the number of colleagues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery

from compliance.queries import active_on
from compliance.selectors import ColleagueCompliance, catalogue_load, compliance_on
from people.models import Colleague

from .models import ColleagueReview
from .rules import ReviewStatus, review_due_date, review_status


@dataclass(frozen=True)
class ReviewDue:
    colleague: Colleague
    last_reviewed_on: dt.date | None
    due: dt.date
    status: ReviewStatus

    @property
    def status_label(self) -> str:
        return self.status.label


_ORDER = {ReviewStatus.OVERDUE: 0, ReviewStatus.DUE_SOON: 1, ReviewStatus.CURRENT: 2}


def reviews_due(colleagues: QuerySet[Colleague], day: dt.date) -> list[ReviewDue]:
    """When each active colleague's next review is due, most overdue first (one query)."""
    latest = ColleagueReview.objects.filter(colleague=OuterRef("pk")).order_by("-reviewed_on", "-pk")
    rows = (
        colleagues.filter(active_on(day))
        .select_related("team")
        .annotate(
            last_reviewed_on=Subquery(latest.values("reviewed_on")[:1]),
            next_review_on=Subquery(latest.values("next_review_on")[:1]),
        )
        .order_by()
    )
    interval = settings.COLLEAGUE_REVIEW_MONTHS
    out = []
    for c in rows:
        due = review_due_date(
            start_date=c.start_date, next_review_on=c.next_review_on, interval_months=interval
        )
        out.append(ReviewDue(c, c.last_reviewed_on, due, review_status(due, day)))
    out.sort(key=lambda r: (_ORDER[r.status], r.due, r.colleague.last_name, r.colleague.first_name))
    return out


def colleague_standing(colleague: Colleague, day: dt.date) -> ColleagueCompliance | None:
    """The colleague's statuses and due dates on `day`, from the one engine."""
    found = compliance_on(Colleague.objects.filter(pk=colleague.pk), day, catalogue_load())
    return found[0] if found else None


def reviews_of(colleague: Colleague) -> QuerySet[ColleagueReview]:
    return colleague.reviews.prefetch_related("actions").order_by("-reviewed_on", "-pk")
