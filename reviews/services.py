"""Writes for colleague reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from compliance.selectors import catalogue_load, compliance_on
from people.models import Colleague

from .models import ColleagueReview, ReviewAction
from .rules import status_snapshot


@transaction.atomic
def colleague_review_record(
    *,
    colleague: Colleague,
    reviewed_on: dt.date,
    training_discussed: str,
    next_review_on: dt.date,
    actions: Iterable[tuple[str, dt.date]] = (),
    reviewer=None,
) -> ColleagueReview:
    """Record a review and keep a snapshot of the colleague's statuses on the review date.

    The snapshot comes from the one engine as of `reviewed_on`, so a review
    typed up a few days later still shows what stood on the day it was held.
    """
    errors = {}
    if reviewed_on > timezone.localdate():
        errors["reviewed_on"] = "A review cannot be recorded before it has taken place."
    if next_review_on <= reviewed_on:
        errors["next_review_on"] = "The next review must be after this one."
    if not training_discussed.strip():
        errors["training_discussed"] = "Say what training was discussed."
    actions = [(text.strip(), due) for text, due in actions]
    if any(due < reviewed_on for _, due in actions):
        errors["actions"] = "An agreed action cannot be due before the review."
    if errors:
        raise ValidationError(errors)

    catalogue = catalogue_load()
    found = compliance_on(Colleague.objects.filter(pk=colleague.pk), reviewed_on, catalogue)
    current = found[0] if found else None
    snapshot = status_snapshot(
        day=reviewed_on,
        role=current.role if current else None,
        role_started_on=current.role_started_on if current else None,
        statuses=current.statuses if current else [],
        catalogue=catalogue,
    )
    review = ColleagueReview.objects.create(
        colleague=colleague,
        reviewed_on=reviewed_on,
        reviewer=reviewer,
        reviewer_name=(reviewer.get_full_name() or reviewer.get_username()) if reviewer else "",
        training_discussed=training_discussed.strip(),
        next_review_on=next_review_on,
        snapshot=snapshot,
    )
    for text, due in actions:
        ReviewAction.objects.create(review=review, action=text, due_on=due)
    return review
