from django import template
from django.utils import timezone

from workspace.access import is_hr, submits_requests
from workspace.selectors import requests_pending

register = template.Library()


@register.filter
def works_in_hr(user) -> bool:
    return is_hr(user)


@register.filter
def asks_for_colleagues(user) -> bool:
    return submits_requests(user)


@register.inclusion_tag("workspace/_pending.html", takes_context=True)
def pending_requests(context):
    """HR's dashboard: the requests awaiting a decision, oldest first, with their age (1 query)."""
    user = context["request"].user
    if not is_hr(user):
        return {"hidden": True}
    today = timezone.localdate()
    return {
        "pending": [(r, (today - timezone.localtime(r.requested_at).date()).days) for r in requests_pending()]
    }
