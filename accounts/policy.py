"""Who must use a second factor: anyone who can change other people's records in bulk."""

from core.access import AccessGroup, user_groups


def requires_two_factor(user) -> bool:
    return user.is_authenticated and (
        user.is_staff or user.is_superuser or AccessGroup.HR in user_groups(user)
    )
