"""Which colleagues a person may see: the one scope for every page, export, feed and endpoint.

It lives with the colleagues because it walks teams and reporting lines; the
access groups it reads are core's (`core.access`).
"""

import datetime as dt

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from core.access import AccessGroup, sees_everyone, user_groups

from .models import Colleague


def colleagues_for(user):
    """The one scope for every page, table, export and feed that lists colleagues.

    HR, auditors and superusers: everyone. A manager: the colleagues of the
    teams they manage and everyone who reports to them, directly or through
    other managers. Anyone else linked to a colleague record: themselves.
    Nobody else: no one. A view that fetches one colleague by URL must use
    this queryset too, so another team's colleague is a 404, not a 403.
    """
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


def in_post_on(day: dt.date) -> Q:
    """Colleagues in post on `day`: compliance.queries.active_on's rule, which people sits below.

    tests/accounts/test_sso.py holds the two equal.
    """
    return Q(start_date__lte=day) & (Q(leaving_date__isnull=True) | Q(leaving_date__gte=day))


def manages_anyone(day: dt.date):
    """A condition on users: someone in post on `day` reports to their colleague record.

    Directly, or as a member of a team they manage; whoever is further down
    comes with them (colleagues_for walks the chain). The one definition of a
    manager (issue 16): never a group. Registered with core.access in PeopleConfig.ready.
    """
    in_post = Colleague.objects.filter(in_post_on(day))
    # Two EXISTS, not one with OR: each finds the manager's record by its unique user_id and
    # then their reports through an index, instead of reading every colleague (benchmarks/roles.py).
    line_reports = in_post.filter(line_manager__user=OuterRef("pk"))
    team_members = in_post.filter(team__manager__user=OuterRef("pk")).exclude(
        user=OuterRef("pk")  # a team's manager is usually in the team: not their own report
    )
    return ExpressionWrapper(Exists(line_reports) | Exists(team_members), output_field=BooleanField())
