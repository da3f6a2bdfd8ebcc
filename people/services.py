"""Writes to colleagues and their roles."""

import datetime as dt
import enum

from django.db import transaction

from .models import Colleague, Role, RoleAssignment


class RoleChange(enum.Enum):
    UNCHANGED = "unchanged"
    CORRECT_DATE = "correct_date"
    NEW_ASSIGNMENT = "new_assignment"


def role_change_plan(
    *, current_role_id: int | None, current_started_on: dt.date | None, role_id: int, started_on: dt.date
) -> RoleChange:
    """What recording `role_id` from `started_on` does to a colleague whose latest assignment is given.

    A different role starts a new assignment, and so the new role's 12-month
    clock (docs/rules.md §3.1); the same role with another date corrects the date of
    the current assignment rather than inventing a role change. Pure, so the
    bulk import (imports/colleagues.py) applies exactly the rule
    `colleague_role_set` applies to one colleague.
    """
    if current_role_id is not None and current_role_id == role_id:
        return RoleChange.UNCHANGED if current_started_on == started_on else RoleChange.CORRECT_DATE
    return RoleChange.NEW_ASSIGNMENT


@transaction.atomic
def colleague_role_set(*, colleague: Colleague, role: Role, started_on: dt.date) -> RoleAssignment:
    """Record that the colleague holds `role` from `started_on` (see `role_change_plan`)."""
    current = colleague.role_assignments.order_by("-started_on").first()
    change = role_change_plan(
        current_role_id=current.role_id if current else None,
        current_started_on=current.started_on if current else None,
        role_id=role.pk,
        started_on=started_on,
    )
    if change is RoleChange.CORRECT_DATE:
        current.started_on = started_on
        current.save(update_fields=["started_on"])
    if change is not RoleChange.NEW_ASSIGNMENT:
        return current
    assignment, _ = RoleAssignment.objects.update_or_create(
        colleague=colleague, started_on=started_on, defaults={"role": role}
    )
    return assignment
