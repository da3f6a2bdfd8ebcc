"""Who may do what: the product's roles are Django groups."""

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


def user_groups(user) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_access_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._access_groups = cached
    return cached


def sees_everyone(user) -> bool:
    """HR and auditors (and superusers) see every colleague."""
    return user.is_superuser or bool(user_groups(user) & {AccessGroup.HR, AccessGroup.AUDITOR})
