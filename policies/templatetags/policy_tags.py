from django import template

from ..access import sees_register

register = template.Library()


@register.filter
def sees_policy_register(user) -> bool:
    return sees_register(user)
