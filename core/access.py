"""Who may do what: the product's roles are Django groups."""

from django.db import models


class AccessGroup(models.TextChoices):
    HR = "HR", "HR"
    MANAGER = "Manager", "Manager"
    POLICY_OWNER = "Policy owner", "Policy owner"
    AUDITOR = "Auditor", "Auditor"
    COLLEAGUE = "Colleague", "Colleague"


# HR records training, waivers and equivalences by hand from day one (issue 2, admin).
HR_APPS = ("people", "training", "compliance", "policies")


def groups_ensure(**kwargs) -> None:
    """Create the access groups and give HR the model permissions of the product's apps.

    Runs after every migrate, so a new model's permissions reach HR without a
    hand-written migration; idempotent.
    """
    from django.contrib.auth.models import Group, Permission

    for name in AccessGroup.values:
        Group.objects.get_or_create(name=name)
    hr = Group.objects.get(name=AccessGroup.HR)
    hr.permissions.add(*Permission.objects.filter(content_type__app_label__in=HR_APPS))
    auditor = Group.objects.get(name=AccessGroup.AUDITOR)
    auditor.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=HR_APPS, codename__startswith="view_")
    )
