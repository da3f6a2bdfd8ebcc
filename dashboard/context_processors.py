from django.utils.functional import SimpleLazyObject

from core.access import AccessGroup, user_groups

from .access import sees_figures, sees_kpi


def navigation(request):
    """Which of the dashboard's pages the menu offers; worked out only when a template asks.

    Reads nothing the request has not read already (the user's groups are
    cached on the user), so no page pays a query for its menu.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def links():
        figures = sees_figures(user)
        return {
            "figures": figures,
            "kpi": sees_kpi(user),
            "own": not figures and AccessGroup.COLLEAGUE in user_groups(user),
            "here": getattr(request.resolver_match, "view_name", ""),
        }

    return {"dashboard_nav": SimpleLazyObject(links)}
