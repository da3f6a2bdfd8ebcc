"""Who may open which page, and whose colleagues it shows.

The colleagues a page shows always come from `people.access.colleagues_for`;
this module only decides which pages a role opens at all:

- HR, managers and auditors (and superusers): the dashboard, the lists, the
  matrix and the KPI report, each over their own colleagues;
- the policy owner: the KPI report, over the whole organisation. It holds
  counts by team and requirement and names nobody, and the Communities
  Committee's report is the policy owner's to present;
- anyone with a colleague record: their own colleague page;
- HR: rebuilding the stored figures on demand.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet

from core.access import AccessGroup, sees_everyone, user_groups
from people.access import colleagues_for
from people.models import Colleague, Team

FIGURE_GROUPS = frozenset({AccessGroup.HR, AccessGroup.MANAGER, AccessGroup.AUDITOR})


def sees_figures(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(user_groups(user) & FIGURE_GROUPS))


def sees_kpi(user) -> bool:
    return sees_figures(user) or AccessGroup.POLICY_OWNER in user_groups(user)


def rebuilds_figures(user) -> bool:
    return user.is_authenticated and (user.is_superuser or AccessGroup.HR in user_groups(user))


@dataclass(frozen=True)
class Scope:
    """The colleagues a user sees; `everyone` lets a query skip the filter altogether."""

    colleagues: QuerySet
    everyone: bool

    def teams(self) -> QuerySet:
        """Teams with at least one colleague in scope: the choices of a team filter."""
        if self.everyone:
            return Team.objects.order_by("name")
        return Team.objects.filter(colleagues__in=self.colleagues).distinct().order_by("name")

    def whole_teams(self) -> QuerySet:
        """Teams all of whose colleagues are in scope: a team's counts show only for these (2 queries).

        Counted rather than asked as "no member outside the scope": that
        anti-join reads every colleague of the organisation.
        """
        if self.everyone:
            return Team.objects.order_by("name")
        seen = Counter(self.colleagues.exclude(team=None).values_list("team_id", flat=True))
        members = (
            Colleague.objects.filter(team_id__in=seen)
            .values_list("team_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        whole = [team_id for team_id, n in members if seen[team_id] == n]
        return Team.objects.filter(pk__in=whole).order_by("name")


def scope_for(user) -> Scope:
    return Scope(colleagues=colleagues_for(user), everyone=sees_everyone(user))


def kpi_scope_for(user) -> Scope:
    if AccessGroup.POLICY_OWNER in user_groups(user):
        return Scope(colleagues=Colleague.objects.all(), everyone=True)
    return scope_for(user)


def _requires(test):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


figures_required = _requires(sees_figures)
kpi_required = _requires(sees_kpi)
rebuild_required = _requires(rebuilds_figures)
