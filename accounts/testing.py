"""Signing a test client in without the forms, for the tests and the benchmarks."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from .policy import requires_two_factor


def sign_in_verified(client, user, force_login=None) -> None:
    """`client.force_login(user)`, landing past the second factor as a real HR user would.

    force_login skips the password, so it skips the TOTP step too (the tests
    of that step go through the real forms). `force_login` is the unpatched
    method when the caller has replaced the client's own.
    """
    (force_login or type(client).force_login)(client, user, "accounts.backends.LocalBackend")
    if requires_two_factor(user):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test device", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
