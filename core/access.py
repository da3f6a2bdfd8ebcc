"""Who may do what: the product's roles are Django groups."""

from django.db import models


class AccessGroup(models.TextChoices):
    HR = "HR", "HR"
    MANAGER = "Manager", "Manager"
    POLICY_OWNER = "Policy owner", "Policy owner"
    AUDITOR = "Auditor", "Auditor"
    COLLEAGUE = "Colleague", "Colleague"


# HR records training, waivers and equivalences by hand from day one (issue 2, admin).
HR_APPS = ("people", "training", "compliance", "policies", "programme", "reviews", "imports")


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


def colleagues_for(user):
    """The one scope for every page, table, export and feed that lists colleagues.

    HR, auditors and superusers: everyone. A manager: the colleagues of the
    teams they manage and everyone who reports to them, directly or through
    other managers. Anyone else linked to a colleague record: themselves.
    Nobody else: no one. A view that fetches one colleague by URL must use
    this queryset too, so another team's colleague is a 404, not a 403.
    """
    from people.models import Colleague

    if not user.is_authenticated:
        return Colleague.objects.none()
    if sees_everyone(user):
        return Colleague.objects.all()
    me = Colleague.objects.filter(user=user).values_list("pk", flat=True).first()
    if me is None:
        return Colleague.objects.none()
    if AccessGroup.MANAGER not in user_groups(user):
        return Colleague.objects.filter(pk=me)
    visible = set(Colleague.objects.filter(team__manager_id=me).values_list("pk", flat=True))
    frontier = {me}
    # One query per level of the management chain, not per colleague.
    while frontier:
        below = set(Colleague.objects.filter(line_manager_id__in=frontier).values_list("pk", flat=True))
        frontier = below - visible
        visible |= below
        # Managers of teams found on the way bring their teams with them.
        teams = set(Colleague.objects.filter(team__manager_id__in=frontier).values_list("pk", flat=True))
        frontier |= teams - visible
        visible |= teams
    visible.add(me)
    return Colleague.objects.filter(pk__in=visible)
