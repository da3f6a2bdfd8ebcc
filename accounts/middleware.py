from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .policy import requires_two_factor

# Pages an HR or admin user may open before the second factor: the second factor itself,
# signing out, and what the login and health checks need.
ALLOWED_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/healthz", "/readyz")


class TwoFactorRequiredMiddleware:
    """HR and admin users reach nothing until they have passed a TOTP check this session.

    Runs after django_otp's OTPMiddleware, which marks the user verified once
    they have entered a code in this session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            requires_two_factor(user)
            and not user.is_verified()
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Two-factor verification required: sign in on the web first."}, status=403
                )
            return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
