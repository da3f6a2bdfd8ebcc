from django.db.models import OuterRef, Subquery

from .models import Colleague, RoleAssignment


def colleagues_with_current_role():
    """Colleagues annotated with the role and start of their latest assignment (one query)."""
    latest = RoleAssignment.objects.filter(colleague=OuterRef("pk")).order_by("-started_on")
    return Colleague.objects.select_related("team", "line_manager").annotate(
        current_role_code=Subquery(latest.values("role__code")[:1]),
        role_started_on=Subquery(latest.values("started_on")[:1]),
    )
