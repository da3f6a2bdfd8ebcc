"""Who may do what: the product's roles are Django groups."""

from collections.abc import Callable

from django.db import models


class AccessGroup(models.TextChoices):
    HR = "HR", "HR"
    MANAGER = "Manager", "Manager"
    POLICY_OWNER = "Policy owner", "Policy owner"
    AUDITOR = "Auditor", "Auditor"
    COLLEAGUE = "Colleague", "Colleague"


def hr_apps() -> list[str]:
    """The apps whose records HR keeps by hand in the admin: each says so with `hr_records = True`.

    An app declares it in its own AppConfig, so core names no app and a new app
    joins by saying so itself.
    """
    from django.apps import apps

    return [config.label for config in apps.get_app_configs() if getattr(config, "hr_records", False)]


def groups_ensure(**kwargs) -> None:
    """Create the access groups and give HR the model permissions of the product's apps.

    Runs after every migrate, so a new model's permissions reach HR without a
    hand-written migration; idempotent.
    """
    from django.contrib.auth.models import Group, Permission

    for name in AccessGroup.values:
        Group.objects.get_or_create(name=name)
    labels = hr_apps()
    hr = Group.objects.get(name=AccessGroup.HR)
    hr.permissions.add(*Permission.objects.filter(content_type__app_label__in=labels))
    auditor = Group.objects.get(name=AccessGroup.AUDITOR)
    auditor.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=labels, codename__startswith="view_")
    )


# Roles the records give rather than a group (issue 16): {role: condition(day)}, where the
# condition is a boolean expression on users. The app that knows the records registers its
# own in its AppConfig.ready() (people registers Manager), so core names no app.
_DERIVED_ROLES: dict[str, Callable] = {}


def role_derived_register(role: str, condition: Callable) -> None:
    _DERIVED_ROLES[role] = condition


def user_groups(user) -> frozenset[str]:
    """The user's roles: their groups, and the roles the records give them (Manager).

    HR, auditor and policy owner are groups (set from the provider's group
    claim at each single sign-on, or by hand for local accounts). Manager is
    worked out from the data at every request that asks
    (people.access.manages_anyone), so a new manager, a move or a leaver
    changes what they see without anyone editing a user. One query, as
    reading the groups alone took; cached on the user for the rest of the request.
    """
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_access_groups", None)
    if cached is None:
        cached = _roles_of(user)
        user._access_groups = cached
    return cached


def _roles_of(user) -> frozenset[str]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    today = timezone.localdate()
    derived = {
        f"derived_{i}": (role, condition(today)) for i, (role, condition) in enumerate(_DERIVED_ROLES.items())
    }
    rows = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(**{key: condition for key, (_, condition) in derived.items()})
        .values_list("groups__name", *derived)
    )
    names = set()
    for name, *flags in rows:
        if name:
            names.add(name)
        names |= {role for (role, _), flag in zip(derived.values(), flags, strict=True) if flag}
    return frozenset(names)


def sees_everyone(user) -> bool:
    """HR and auditors (and superusers) see every colleague."""
    return user.is_superuser or bool(user_groups(user) & {AccessGroup.HR, AccessGroup.AUDITOR})
