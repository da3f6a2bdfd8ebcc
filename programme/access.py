"""Who may plan, book and mark sessions. Which colleagues they reach is people.access.colleagues_for."""

from core.access import AccessGroup, sees_everyone, user_groups


def can_plan_sessions(user) -> bool:
    """HR plans the programme, changes and cancels sessions, and keeps the register."""
    return user.is_authenticated and (user.is_superuser or AccessGroup.HR in user_groups(user))


def can_book(user) -> bool:
    """HR books anyone; a manager books the colleagues colleagues_for() lets them see."""
    return can_plan_sessions(user) or (user.is_authenticated and AccessGroup.MANAGER in user_groups(user))


def can_view_coverage(user) -> bool:
    return user.is_authenticated and sees_everyone(user)
