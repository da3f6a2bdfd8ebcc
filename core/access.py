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
    """The user's roles: their groups, and Manager whenever the colleague records say so.

    HR, auditor and policy owner are groups (set from the provider's group
    claim at each single sign-on, or by hand for local accounts). Manager is
    worked out from the data at every request that asks: whoever has a
    colleague in post reporting to them, or manages a team with one, is a
    manager (those below them then come through colleagues_for), so a new
    manager, a move or a leaver changes what they see without anyone editing
    a user. One query, as reading the groups alone took; cached on the user
    for the rest of the request.
    """
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_access_groups", None)
    if cached is None:
        cached = _roles_of(user)
        user._access_groups = cached
    return cached


def manages_anyone(day):
    """A condition on users: their colleague record has someone in post on `day` reporting to them.

    Directly or as their team's manager; whoever is further down comes with
    them (colleagues_for walks the chain). The one definition of a manager.
    """
    from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

    from people.models import Colleague

    in_post = Q(start_date__lte=day) & (Q(leaving_date__isnull=True) | Q(leaving_date__gte=day))
    in_post_colleagues = Colleague.objects.filter(in_post)
    # Two EXISTS, not one with OR: each finds the manager's record by its unique user_id and
    # then their reports through an index, instead of reading every colleague (issue 16 benchmark).
    line_reports = in_post_colleagues.filter(line_manager__user=OuterRef("pk"))
    team_members = in_post_colleagues.filter(team__manager__user=OuterRef("pk")).exclude(
        user=OuterRef("pk")  # a team's manager is usually in the team: not their own report
    )
    return ExpressionWrapper(Exists(line_reports) | Exists(team_members), output_field=BooleanField())


def _roles_of(user) -> frozenset[str]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    rows = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(manages=manages_anyone(timezone.localdate()))
        .values_list("groups__name", "manages")
    )
    names, manages = set(), False
    for name, has_reports in rows:
        manages = manages or has_reports
        if name:
            names.add(name)
    if manages:
        names.add(AccessGroup.MANAGER)
    return frozenset(names)


def sees_everyone(user) -> bool:
    """HR and auditors (and superusers) see every colleague."""
    return user.is_superuser or bool(user_groups(user) & {AccessGroup.HR, AccessGroup.AUDITOR})
