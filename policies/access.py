"""Who sees the policy register and who may run a review.

HR, auditors and policy owners see the whole register, its calendar and its
feed (it names posts, not colleagues, and every policy is the organisation's
business). Running a review is for HR, and for a policy owner on the
policies whose owner or sponsor post they hold.
"""

from core.access import AccessGroup, user_groups

REGISTER_GROUPS = frozenset({AccessGroup.HR, AccessGroup.AUDITOR, AccessGroup.POLICY_OWNER})


def sees_register(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(user_groups(user) & REGISTER_GROUPS))


def runs_reviews(user) -> bool:
    """May run some review: HR, or a policy owner (on their own policies, see `runs_review_of`)."""
    groups = user_groups(user)
    return user.is_authenticated and (
        user.is_superuser or AccessGroup.HR in groups or AccessGroup.POLICY_OWNER in groups
    )


def runs_review_of(user, policy) -> bool:
    if not user.is_authenticated:
        return False
    groups = user_groups(user)
    if user.is_superuser or AccessGroup.HR in groups:
        return True
    holders = {
        policy.owner_post.holder_id if policy.owner_post_id else None,
        policy.sponsor_post.holder_id if policy.sponsor_post_id else None,
    }
    return AccessGroup.POLICY_OWNER in groups and user.pk in holders


def policies_for(user):
    """The one scope for every page, feed and export of the register."""
    from .models import Policy

    return Policy.objects.all() if sees_register(user) else Policy.objects.none()
