from django.contrib import auth, messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .oidc import MFA_SESSION_KEY
from .policy import requires_two_factor

# Pages an HR or admin user may open before the second factor: the second factor itself,
# signing out, and what the login and health checks need.
ALLOWED_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/healthz", "/readyz")


class TwoFactorRequiredMiddleware:
    """HR and admin users reach nothing until they have passed a second factor this session.

    Either the local TOTP (django_otp's OTPMiddleware, before this one, marks
    the user verified once they have entered a code in this session), or the
    organisation's provider, whose ID token said it asked for one (`amr`/`acr`
    in OIDC_MFA_VALUES): HR then needs no second app.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            requires_two_factor(user)
            and not user.is_verified()
            and not request.session.get(MFA_SESSION_KEY)
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Two-factor verification required: sign in on the web first."}, status=403
                )
            return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)


def has_left(user, today) -> bool:
    """Whether the user's colleague record says they are no longer in post (after their leaving date).

    The colleague comes with the user (accounts.backends and accounts.oidc load
    it in the same query), so this costs no query.
    """
    colleague = getattr(user, "colleague", None)
    return bool(colleague and colleague.leaving_date and colleague.leaving_date < today)


class LeaverSignOutMiddleware:
    """A leaver's session ends when their leaving date has passed, even in the middle of it.

    HR records a leaving date; nobody edits the account. Active through the
    leaving date itself, as everywhere in the app.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and has_left(user, timezone.localdate()):
            auth.logout(request)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Your account ended on your leaving date."}, status=401)
            messages.info(request, "You have been signed out: your colleague record shows you have left.")
            return redirect("login")
        return self.get_response(request)


class ProviderFormActionMiddleware:
    """Lets the sign-out form on every page end at the provider's sign-out (RP-initiated logout).

    The Content Security Policy's form-action is 'self', and browsers apply it to
    every redirect that follows a form: without the provider's origin there, the
    sign-out's redirect to the provider is blocked. Inside django-csp's middleware,
    which reads `_csp_update` from the response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .oidc import provider_origins

        response = self.get_response(request)
        origins = provider_origins()
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            response._csp_update = update
        return response
