from django import template

from programme import access

register = template.Library()


@register.filter
def can_plan_sessions(user) -> bool:
    return access.can_plan_sessions(user)


@register.filter
def can_view_coverage(user) -> bool:
    return access.can_view_coverage(user)


@register.filter
def at(values, index):
    """`row.months|at:i`: a list item by index in a template."""
    return values[index]
