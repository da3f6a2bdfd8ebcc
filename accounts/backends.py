"""Local password sign-in: break-glass administrators, and installations with no provider."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from .oidc import _user_with_colleague


class LocalBackend(ModelBackend):
    """Django's password check; LOCAL_PASSWORD_SIGN_IN=False keeps it for superusers only.

    Loads the user with their colleague record in one query, as the provider's
    backend does, so the leaver check at each request costs nothing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not settings.LOCAL_PASSWORD_SIGN_IN and not user.is_superuser:
            return None  # everyone but break-glass administrators signs in through the provider
        return user

    def get_user(self, user_id):
        user = _user_with_colleague(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
