from django import template

from reviews import access

register = template.Library()


@register.filter
def can_see_reviews(user) -> bool:
    return access.can_see_reviews(user)


@register.filter
def status_label(value: str) -> str:
    """A snapshot keeps the status code; show the words the rest of the product uses."""
    from compliance.enums import Status

    return Status(value).label if value in Status.values else value
