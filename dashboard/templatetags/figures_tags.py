"""Every figure links to the people behind it: the overdue list or the officers' list, filtered to them."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def people_url(context, status, team=None, requirement=None, on=None):
    """The list of the colleague-requirements a figure counts.

    `status` is a status or a standing (met, on_track, not_met); `on` is the
    day the figure answers for (left out for today, so the link reads the
    stored summary, like the figure did). A page that answers for another
    day sets `past` or `future`, and the link carries its `day`.
    """
    return _list_url(
        context, "dashboard:overdue", {"status": status, "team": team, "requirement": requirement}, on
    )


def _list_url(context, name: str, query: dict, on) -> str:
    """The list's address with the filters given, and the day when the figure is not today's."""
    day = on or (context.get("day") if context.get("past") or context.get("future") else None)
    query = {key: value for key, value in query.items() if value}
    if day:
        query["on"] = day.isoformat()
    return f"{reverse(name)}?{urlencode(query)}"


@register.simple_tag(takes_context=True)
def officers_url(context, case_type, show, team=None, on=None):
    """The list of the officers an eligibility figure counts (`show`: selectors/eligibility.py).

    The day travels as with `people_url`: only when the page answers for another day than today's.
    """
    return _list_url(context, "dashboard:officers", {"case_type": case_type, "show": show, "team": team}, on)


@register.simple_tag
def refreshers_url(quarter, requirement, outcome):
    """The colleagues behind one of the KPI page's refresher figures (dashboard.selectors.refreshers)."""
    query = {"quarter": str(quarter), "requirement": requirement, "outcome": outcome}
    return f"{reverse('dashboard:kpi_refreshers')}?{urlencode(query)}"


@register.filter
def days_after(until, day):
    """Whole days from `day` to `until` (the last day something still holds): 31 for "31 more days"."""
    if until is None or day is None:
        return None
    return (until - day).days
