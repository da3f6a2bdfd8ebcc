from core.access import AccessGroup, sees_everyone, user_groups
from people.access import colleagues_for


def can_review(user) -> bool:
    """Managers review their colleagues; HR may record a review too."""
    return user.is_authenticated and (
        user.is_superuser or bool(user_groups(user) & {AccessGroup.MANAGER, AccessGroup.HR})
    )


def can_see_reviews(user) -> bool:
    return can_review(user) or (user.is_authenticated and sees_everyone(user))


def reviewable_colleagues(user):
    """The colleagues this user may review: their scope, never themselves."""
    return colleagues_for(user).exclude(user=user)
