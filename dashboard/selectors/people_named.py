"""The first few people behind the dashboard's overdue and due-soon cards, by name.

Read from the stored summary (the cards' own figures come from it on the
summary's date); on another date the cards link to the list, which works the
day out live. Two queries a status: the first people by their earliest due
date, then their rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Min

from compliance.enums import Status

from ..access import Scope
from ..models import StatusSummary

FIRST_FEW = 5


@dataclass
class Named:
    colleague_id: int
    employee_number: str
    name: str
    rows: list[dict] = field(default_factory=list)  # requirement_code, requirement_name, due_date


def people_named(scope: Scope, status: str, team=None, limit: int = FIRST_FEW) -> list[Named]:
    """The first `limit` colleagues in scope with a requirement at `status`, soonest due first."""
    if status not in (Status.OVERDUE, Status.DUE_SOON):
        raise ValueError(status)
    rows = StatusSummary.objects.filter(status=status)
    if not scope.everyone:
        rows = rows.filter(colleague__in=scope.colleagues)
    if team is not None:
        rows = rows.filter(team=team)
    first = list(
        rows.values("colleague_id")
        .annotate(first_due=Min("due_date"))
        .order_by("first_due", "colleague_id")
        .values_list("colleague_id", flat=True)[:limit]
    )
    people = {}
    for r in (
        rows.filter(colleague_id__in=first)
        .order_by("due_date", "requirement_code")
        .values(
            "colleague_id",
            "employee_number",
            "first_name",
            "last_name",
            "requirement_code",
            "due_date",
            requirement_name=F("requirement__name"),
        )
    ):
        person = people.setdefault(
            r["colleague_id"],
            Named(r["colleague_id"], r["employee_number"], f"{r['first_name']} {r['last_name']}".strip()),
        )
        person.rows.append(r)
    return [people[pk] for pk in first if pk in people]


def cards_people(scope: Scope, team, today) -> dict[str, list[Named]]:
    """Both cards' first few people, each row with what is in hand for it (7 queries)."""
    from .in_hand import NOTHING, in_hand

    named = {status: people_named(scope, status, team) for status in (Status.OVERDUE, Status.DUE_SOON)}
    rows = [r for people in named.values() for person in people for r in person.rows]
    hands = in_hand(((r["colleague_id"], r["requirement_code"]) for r in rows), today=today)
    for r in rows:
        r["in_hand"] = hands.get((r["colleague_id"], r["requirement_code"]), NOTHING).notes()
    return named
