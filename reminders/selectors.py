"""Reads for reminders and the calendar feed: every status from the one engine, in fixed queries."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from compliance.queries import left_before
from compliance.selectors import ColleagueCompliance, catalogue_load, compliance_on
from core.access import AccessGroup
from core.models import CalendarFeed, CalendarFeedKind
from people.access import colleagues_for, manages_anyone
from people.models import Colleague

from .models import Reminder
from .rules import reminders_due


def catch_up_days() -> int:
    return settings.REMINDERS_CATCH_UP_DAYS


def reminder_candidates(*, day: dt.date) -> list[int]:
    """Ids of the colleagues who have a reminder to send on `day` that has not been sent yet.

    14 queries whatever the number of colleagues: the engine's 13 for everyone
    with an email address, and one for the reminders already sent to those
    with something due (so a second run the same day enqueues nothing).
    """
    catalogue = catalogue_load()
    requirement_ids = {r.code: r.requirement_id for r in catalogue.requirements}
    wanted: dict[int, set[tuple]] = {}
    for row in compliance_on(Colleague.objects.exclude(email=""), day, catalogue):
        keys = {
            (requirement_ids[r.requirement], r.due_date, r.stage, r.overdue_week)
            for r in reminders_due(row, day, catch_up_days())
        }
        if keys:
            wanted[row.facts.colleague_id] = keys
    if not wanted:
        return []
    for colleague_id, *key in Reminder.objects.filter(colleague_id__in=list(wanted)).values_list(
        "colleague_id", "requirement_id", "due_date", "stage", "overdue_week"
    ):
        wanted[colleague_id].discard(tuple(key))
    return sorted(pk for pk, keys in wanted.items() if keys)


def digest_recipients(*, day: dt.date) -> list[int]:
    """Ids of the managers' accounts that may get a weekly digest (one query).

    A manager is whoever has colleagues reporting to them (people.access.manages_anyone),
    or a user in the Manager group; one whose colleague record shows they have left,
    or with no email address anywhere, gets nothing.
    """
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=AccessGroup.MANAGER) | manages_anyone(day))
        .exclude(left_before(day, through="colleague__"))
        .filter(~Q(email="") | Q(colleague__email__gt=""))
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def team_compliance(*, user, day: dt.date, include_self: bool = True) -> list[ColleagueCompliance]:
    """The statuses on `day` of everyone `user` may see (people.access.colleagues_for)."""
    scope = colleagues_for(user)
    if not include_self:
        scope = scope.exclude(user=user)
    return compliance_on(scope, day)


def calendar_feed_live(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(
        user=user, kind=CalendarFeedKind.TEAM_DUE_DATES, revoked_at__isnull=True
    ).first()
