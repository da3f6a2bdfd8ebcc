"""The engine's date checks, written once as SQL for pages that filter in the database.

Each function here is the query form of one pure function in
`compliance.engine`, and `tests/compliance/test_queries.py` holds the pair
equal on one table of dates (month ends, 29 February, leaving on the day):

| here                  | the engine                     | rule              |
|-----------------------|--------------------------------|-------------------|
| `active_on`           | `ColleagueFacts.active_on`     | docs/rules.md §2  |
| `left_before`         | `ColleagueFacts.left_before`   | docs/rules.md §2  |
| `role_on`             | `ColleagueFacts.role_on`       | docs/rules.md §2  |
| `in_force_on`         | `RequirementRule.in_force_on`  | docs/rules.md §1  |

Anything that asks "who is active", "which role then" or "which requirements
then" in SQL uses these, so a change to the rule is one change here and one in
the engine, and the test says whether they still agree.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery

from people.models import Colleague, RoleAssignment

from .models import Requirement


def active_on(day: dt.date, *, through: str = "") -> Q:
    """Colleagues active on `day`: started on or before it and not yet left (the leaving date still counts).

    `through` reaches the colleague from another model, e.g. `"colleague__"`.
    """
    return Q(**{f"{through}start_date__lte": day}) & (
        Q(**{f"{through}leaving_date__isnull": True}) | Q(**{f"{through}leaving_date__gte": day})
    )


def left_before(day: dt.date, *, through: str = "") -> Q:
    """Colleagues who had left before `day`: their leaving date is earlier (on their last day they have not)."""
    return Q(**{f"{through}leaving_date__lt": day})


def role_on(day: dt.date, *, field: str = "role__code", colleague=None) -> Subquery:
    """The `field` of the role held on `day`, for `annotate()`: the latest assignment started on or before it.

    `colleague` is the outer reference to the colleague's id (default: the
    queryset's own `pk`). NULL when the colleague had no role yet that day.
    """
    return Subquery(
        RoleAssignment.objects.filter(colleague=colleague or OuterRef("pk"), started_on__lte=day)
        .order_by("-started_on")
        .values(field)[:1]
    )


def in_force_on(day: dt.date, *, through: str = "") -> Q:
    """Requirements in force on `day`: from `in_force_from` to `in_force_until`, both days included."""
    return Q(**{f"{through}in_force_from__lte": day}) & (
        Q(**{f"{through}in_force_until__isnull": True}) | Q(**{f"{through}in_force_until__gte": day})
    )


def colleagues_active_on(colleagues: QuerySet[Colleague], day: dt.date) -> QuerySet[Colleague]:
    return colleagues.filter(active_on(day))


def requirements_in_force_on(day: dt.date) -> QuerySet[Requirement]:
    return Requirement.objects.filter(in_force_on(day))
