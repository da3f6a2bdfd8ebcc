from django import template
from django.conf import settings

from accounts.oidc import enabled

register = template.Library()


@register.simple_tag
def sign_in_options() -> dict:
    """What the sign-in page offers: the provider's button, and whether passwords are for admins only."""
    return {"sso": enabled(), "passwords_for_admins_only": not settings.LOCAL_PASSWORD_SIGN_IN}
