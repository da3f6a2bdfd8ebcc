from django import template

from ..access import may_import

register = template.Library()


@register.filter(name="may_import")
def may_import_filter(user) -> bool:
    return may_import(user)
