"""Writes to colleagues and their roles."""

import datetime as dt

from django.db import transaction

from .models import Colleague, Role, RoleAssignment


@transaction.atomic
def colleague_role_set(*, colleague: Colleague, role: Role, started_on: dt.date) -> RoleAssignment:
    """Record that the colleague holds `role` from `started_on`.

    A different role starts a new assignment, and so the new role's 12-month
    clock (SPEC.md 3.1); the same role with another date corrects the date of
    the current assignment rather than inventing a role change.
    """
    current = colleague.role_assignments.order_by("-started_on").first()
    if current is not None and current.role_id == role.pk:
        if current.started_on != started_on:
            current.started_on = started_on
            current.save(update_fields=["started_on"])
        return current
    assignment, _ = RoleAssignment.objects.update_or_create(
        colleague=colleague, started_on=started_on, defaults={"role": role}
    )
    return assignment
