from django.utils.functional import SimpleLazyObject

from .access import sees_figures, sees_kpi


def navigation(request):
    """Which of the dashboard's pages the menu offers; worked out only when a template asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def links():
        here = getattr(request.resolver_match, "view_name", "")
        own = None
        if not sees_figures(user):
            own = user.colleague.employee_number if hasattr(user, "colleague") else None
        return {"figures": sees_figures(user), "kpi": sees_kpi(user), "own": own, "here": here}

    return {"dashboard_nav": SimpleLazyObject(links)}
