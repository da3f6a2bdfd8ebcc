"""What a manager does from a list: book the colleagues picked onto a session, or nudge them.

A pick is one colleague and one requirement ("N1|HATE-REFRESHER", the value
of a row's tick box). Every action first checks every pick against the
user's scope (`access.scope_for`): one colleague outside it refuses the whole
action, and nothing is written. Bookings go through the programme's own
service (`programme.services.bookings_create`: capacity and the waiting list
under the session's row lock); nudges through `reminders.nudges`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper
from django.utils import timezone

from compliance.models import Requirement
from compliance.queries import active_on
from core.access import AccessGroup, user_groups
from core.text import quoted
from people.models import Colleague
from programme.enums import BookingStatus, SessionStatus
from programme.models import Booking, Session
from programme.services import bookings_create
from reminders.nudges import NudgeOutcome, nudges_send

from .access import Scope
from .models import StatusSummary
from .selectors.in_hand import satisfying_courses

MAX_PICKS = 200
SEPARATOR = "|"
# What an action says, sentence by sentence: done, or something the user should notice.
DONE, NOTE = "success", "warning"


def acts_for_colleagues(user) -> bool:
    """HR and managers act on their colleagues; the auditor and the policy owner only read."""
    return user.is_authenticated and (
        user.is_superuser or bool(user_groups(user) & {AccessGroup.HR, AccessGroup.MANAGER})
    )


@dataclass(frozen=True)
class Pick:
    colleague: Colleague
    requirement: Requirement

    @property
    def key(self) -> str:
        return f"{self.colleague.employee_number}{SEPARATOR}{self.requirement.code}"


def pick_value(employee_number: str, requirement_code: str) -> str:
    return f"{employee_number}{SEPARATOR}{requirement_code}"


def picks_load(values: list[str], scope: Scope) -> list[Pick]:
    """The picks named by `values`, each checked: in scope, working here today, a known requirement. 2 queries.

    Raises ValidationError naming every value that is wrong; an empty list
    asks the user to tick someone.
    """
    values = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if not values:
        raise ValidationError("Tick at least one colleague first.")
    if len(values) > MAX_PICKS:
        raise ValidationError(f"Pick at most {MAX_PICKS} rows at a time.")
    pairs, errors = [], []
    for value in values:
        number, sep, code = value.partition(SEPARATOR)
        if not (sep and number and code):
            errors.append(f"{quoted(value)} is not a colleague and requirement.")
            continue
        pairs.append((number, code))
    numbers = {n for n, _ in pairs}
    # Someone who has left (or not started yet) is on no list to act from; a stale tab may still name
    # them. "Active on a date" has one home (compliance.queries.active_on), read here in the same query.
    today = timezone.localdate()
    colleagues = {
        c.employee_number: c
        for c in scope.colleagues.filter(employee_number__in=numbers).annotate(
            active=ExpressionWrapper(active_on(today), output_field=BooleanField())
        )
    }
    errors += [
        f"{c.full_name} ({number}) is not working here today."
        for number, c in sorted(colleagues.items())
        if not c.active
    ]
    requirements = {r.code: r for r in Requirement.objects.filter(code__in={c for _, c in pairs})}
    for number in sorted(numbers - set(colleagues)):
        # Another team's colleague and a made-up number read alike: the page says nothing of either.
        errors.append(f"{quoted(number)} is not one of the colleagues you look after.")
    for code in sorted({c for _, c in pairs} - set(requirements)):
        errors.append(f"{quoted(code)} is not a requirement.")
    if errors:
        raise ValidationError(errors)
    return [Pick(colleagues[n], requirements[c]) for n, c in pairs]


def sessions_for(picks: list[Pick]) -> list[tuple[Session, int]]:
    """Upcoming, not cancelled sessions of a course that counts for every picked requirement, soonest
    first, each with its places free (3 queries)."""
    counts_for = defaultdict(set)  # course id -> requirement codes it counts for
    codes = {p.requirement.code for p in picks}
    for code, _, course_id in satisfying_courses(codes, timezone.localdate()):
        counts_for[course_id].add(code)
    sessions = list(
        Session.objects.filter(
            course__in=[course for course, satisfied in counts_for.items() if satisfied >= codes],
            status=SessionStatus.SCHEDULED,
            starts_at__gt=timezone.now(),
        )
        .select_related("course")
        .order_by("starts_at", "pk")
    )
    taken = dict(
        Booking.objects.filter(session__in=sessions, status__in=BookingStatus.holding_place())
        .values_list("session_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(s, max(0, s.capacity - taken.get(s.pk, 0))) for s in sessions]


def _names(colleagues) -> str:
    names = [c.full_name for c in colleagues]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@transaction.atomic
def picks_book(*, session: Session, picks: list[Pick], waiting_list: bool, by) -> list[tuple[str, str]]:
    """Book the picked colleagues onto `session`; (DONE or NOTE, sentence) saying what happened.

    Refused, with nothing written: a cancelled session, one that has started,
    one of a course that does not satisfy a picked requirement, and a full
    session (or too few places left) unless the user chose the waiting list.
    """
    # The session's row lock first (bookings_create takes it again in the same transaction), so
    # the places counted here are the places bookings_create finds.
    locked = Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    if locked.status == SessionStatus.CANCELLED:
        raise ValidationError(f"{locked.described} has been cancelled: nobody was booked.")
    if locked.starts_at <= timezone.now():
        raise ValidationError(f"{locked.described} has already started: nobody was booked.")
    codes = {p.requirement.code for p in picks}
    wrong = sorted(
        codes
        - {
            code
            for code, _, course_id in satisfying_courses(codes, timezone.localdate())
            if course_id == locked.course_id
        }
    )
    if wrong:
        raise ValidationError(
            f"{locked.course.code} does not count for {', '.join(wrong)}: choose a session of another course."
        )
    colleagues = list({p.colleague.pk: p.colleague for p in picks}.values())
    on_list = set(
        locked.bookings.filter(colleague__in=colleagues, status__in=BookingStatus.live()).values_list(
            "colleague_id", flat=True
        )
    )
    new = [c for c in colleagues if c.pk not in on_list]
    free = locked.capacity - locked.bookings.filter(status__in=BookingStatus.holding_place()).count()
    if len(new) > free and not waiting_list:
        left = "is full" if free <= 0 else f"has {free} place{'s' if free != 1 else ''} left for {len(new)}"
        raise ValidationError(
            f"{locked.described} {left}: choose another session, or put them on its waiting list."
            " Nobody was booked."
        )
    made = bookings_create(session=locked, colleagues=new, by=by)
    said = []
    booked = [b.colleague for b in made if b.status == BookingStatus.BOOKED]
    waiting = [b.colleague for b in made if b.status == BookingStatus.WAITLISTED]
    if booked:
        said.append((DONE, f"Booked {_names(booked)} onto {locked.described}."))
    if waiting:
        said.append((NOTE, f"{_names(waiting)} on the waiting list for {locked.described}."))
    already = [c for c in colleagues if c.pk in on_list]
    if already:
        said.append((NOTE, f"{_names(already)} already on this session's list: left as they were."))
    return said


def picks_nudge(*, picks: list[Pick], by, day: dt.date) -> list[tuple[str, str]]:
    """Nudge the picked colleagues by email, once a colleague, requirement and day.

    The email gives each due date as the lists show it (the stored summary).
    """
    due = {
        (colleague_id, code): due_date
        for colleague_id, code, due_date in StatusSummary.objects.filter(
            colleague_id__in={p.colleague.pk for p in picks},
            requirement_code__in={p.requirement.code for p in picks},
        ).values_list("colleague_id", "requirement_code", "due_date")
    }
    outcome: NudgeOutcome = nudges_send(
        picks=[(p.colleague, p.requirement) for p in picks], day=day, by=by, due=due
    )
    said = []

    def who(pairs):
        by_person = {}
        for colleague, requirement in pairs:
            by_person.setdefault(colleague.full_name, []).append(requirement.name)
        return "; ".join(f"{name} ({', '.join(names)})" for name, names in by_person.items())

    if outcome.sent:
        said.append((DONE, f"Nudge sent to {who(outcome.sent)}."))
    if outcome.already:
        said.append((NOTE, f"Already nudged today, so not sent again: {who(outcome.already)}."))
    if outcome.no_email:
        said.append(
            (NOTE, f"No email address on record for {_names(outcome.no_email)}: nothing sent to them.")
        )
    return said
