"""Reads for the register, the calendar, the feed and the reminders, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet

from compliance.enums import STATUS_SEVERITY, Status
from compliance.models import Requirement
from compliance.queries import in_force_on
from compliance.selectors import compliance_on
from compliance.standing import Standing, standing
from core.dates import add_months
from people.models import Colleague, RoleAssignment

from .models import Policy, PolicyDocument, PolicyReview, PolicyVersion
from .rules import ReviewStatus, review_status


def warning_days() -> int:
    return settings.POLICY_REVIEW_WARNING_DAYS


def open_reviews() -> Prefetch:
    return Prefetch(
        "reviews",
        queryset=PolicyReview.objects.filter(completed_on__isnull=True).select_related("version"),
        to_attr="open_reviews",
    )


@dataclass(frozen=True)
class RegisterRow:
    policy: Policy
    next_review: dt.date | None
    status: ReviewStatus
    open_review: PolicyReview | None
    days_left: int | None

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def register_rows(policies: QuerySet[Policy], day: dt.date) -> list[RegisterRow]:
    """Each policy with its next review, its status on `day` and any review in progress (3 queries)."""
    window = warning_days()
    rows = []
    for policy in policies.prefetch_related("related_policies", open_reviews()).order_by("title"):
        next_review = policy.next_review_date
        rows.append(
            RegisterRow(
                policy=policy,
                next_review=next_review,
                status=review_status(next_review, day, window),
                open_review=policy.open_reviews[0] if policy.open_reviews else None,
                days_left=None if next_review is None else (next_review - day).days,
            )
        )
    return rows


def held_by(policies: QuerySet[Policy], user) -> QuerySet[Policy]:
    """The policies whose owner or sponsor post `user` holds."""
    return policies.filter(Q(owner_post__holder=user) | Q(sponsor_post__holder=user))


# The calendar page: the next two years, month by month.


@dataclass(frozen=True)
class CalendarItem:
    day: dt.date
    kind: str  # "review" or a piece of review work: "eia", "forum", "board"
    label: str
    row: RegisterRow
    done: bool = False


@dataclass
class CalendarMonth:
    first: dt.date
    items: list[CalendarItem] = field(default_factory=list)


@dataclass
class ReviewCalendar:
    overdue: list[RegisterRow]
    months: list[CalendarMonth]
    later: list[RegisterRow]
    unscheduled: list[RegisterRow]


WORK = (
    ("eia", "EIA Review Group", "eia_endorsed_on", "eia_meeting_on"),
    ("forum", "Policy Forum", "forum_endorsed_on", "forum_meeting_on"),
    ("board", "Board approval", "approved_on", "board_meeting_on"),
)


def review_calendar(rows: list[RegisterRow], day: dt.date, months: int = 24) -> ReviewCalendar:
    """Reviews overdue on `day`, then each month from this one for `months` months, then the rest.

    Each month lists the reviews due in it and the review work planned or done
    in it (EIA Review Group, Policy Forum, board) for reviews in progress.
    """
    start = day.replace(day=1)
    grid = [CalendarMonth(first=add_months(start, n)) for n in range(months)]
    end = add_months(start, months)
    by_month = {(m.first.year, m.first.month): m for m in grid}

    def place(item: CalendarItem) -> None:
        month = by_month.get((item.day.year, item.day.month))
        if month is not None:
            month.items.append(item)

    overdue, later, unscheduled = [], [], []
    for row in rows:
        if row.next_review is None:
            unscheduled.append(row)
        elif row.status == ReviewStatus.OVERDUE:
            overdue.append(row)
        elif row.next_review >= end:
            later.append(row)
        else:
            place(CalendarItem(row.next_review, "review", "Review due", row))
        if row.open_review is not None:
            version = row.open_review.version
            for kind, label, done_field, planned_field in WORK:
                done_on = getattr(version, done_field)
                when = done_on or getattr(row.open_review, planned_field)
                if when is not None and when >= start:
                    place(CalendarItem(when, kind, label, row, done=done_on is not None))
    for month in grid:
        month.items.sort(key=lambda i: (i.day, i.kind != "review", i.row.policy.title))
    overdue.sort(key=lambda r: r.next_review)
    later.sort(key=lambda r: r.next_review)
    return ReviewCalendar(overdue=overdue, months=grid, later=later, unscheduled=unscheduled)


# One policy's page.


def policy_page(policies: QuerySet[Policy], slug: str) -> Policy:
    """The policy with its log, versions, documents and reviews (raises Policy.DoesNotExist)."""
    return policies.prefetch_related(
        "related_policies",
        "amendments",
        Prefetch(
            "versions",
            queryset=PolicyVersion.objects.order_by("-published_on", "-id").prefetch_related(
                Prefetch("documents", queryset=PolicyDocument.objects.order_by("kind", "-revision"))
            ),
        ),
        open_reviews(),
    ).get(slug=slug)


@dataclass(frozen=True)
class RequirementCompliance:
    requirement: Requirement
    in_force: bool
    counts: dict[str, int]
    total: int
    # met, on track, not met (compliance.standing): a refresher renewed and due soon is met.
    standings: dict[str, int] = field(default_factory=dict)

    @property
    def met(self) -> int:
        return self.standings.get(Standing.MET, 0)

    @property
    def on_track(self) -> int:
        return self.standings.get(Standing.ON_TRACK, 0)

    @property
    def not_met(self) -> int:
        return self.standings.get(Standing.NOT_MET, 0)

    @property
    def met_percent(self) -> int | None:
        return round(100 * self.met / self.total) if self.total else None

    @property
    def by_status(self) -> list[tuple[Status, int]]:
        return sorted(((Status(s), n) for s, n in self.counts.items()), key=lambda p: -STATUS_SEVERITY[p[0]])


def policy_requirements_compliance(policy: Policy, day: dt.date) -> list[RequirementCompliance]:
    """The requirements the policy mandates and how the organisation stands against each on `day`.

    Counts, not names, over every colleague who has held a role the policy's
    requirements cover, from the one engine (`compliance_on`).
    """
    requirements = list(
        Requirement.objects.filter(policy=policy)
        .annotate(in_force_then=ExpressionWrapper(in_force_on(day), output_field=BooleanField()))
        .prefetch_related("roles")
        .order_by("code", "in_force_from")
    )
    if not requirements:
        return []
    # A semi-join (IN), not a join with DISTINCT: the engine reads this queryset twice.
    colleagues = Colleague.objects.filter(
        pk__in=RoleAssignment.objects.filter(role__requirements__policy=policy).values("colleague_id")
    )
    counts: dict[str, Counter] = defaultdict(Counter)
    standings: dict[str, Counter] = defaultdict(Counter)
    for colleague in compliance_on(colleagues, day):
        for status in colleague.statuses:
            counts[status.code][status.status] += 1
            standings[status.code][standing(status.status, status.valid_until)] += 1
    out = []
    for requirement in requirements:
        in_force = requirement.in_force_then
        found = dict(counts.get(requirement.code, {}))
        out.append(
            RequirementCompliance(
                requirement,
                in_force,
                found,
                sum(found.values()),
                dict(standings.get(requirement.code, {})),
            )
        )
    return out


def versions_citing(policy: Policy) -> dict[str, list[Requirement]]:
    grouped: dict[str, list[Requirement]] = defaultdict(list)
    for requirement in Requirement.objects.filter(policy=policy).order_by("code"):
        grouped[requirement.policy_version].append(requirement)
    return grouped


# Reminders.


def policies_to_remind() -> QuerySet[Policy]:
    """Published policies whose owner post has a holder with an email address."""
    return (
        Policy.objects.filter(published=True, owner_post__holder__isnull=False)
        .exclude(owner_post__holder__email="")
        .prefetch_related(open_reviews())
        .order_by("title")
    )
