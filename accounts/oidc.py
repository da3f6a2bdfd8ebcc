"""OpenID Connect sign-in through mozilla-django-oidc, with discovery and the checks it leaves to us.

mozilla-django-oidc runs the authorisation code flow: state, nonce and PKCE
kept in the session and spent once, the code exchanged at the token endpoint,
the ID token's signature checked against the provider's published keys. What
it leaves to the app, and this module adds:

- discovery: the endpoints come from `OIDC_ISSUER/.well-known/openid-configuration`,
  whose `issuer` must be OIDC_ISSUER exactly (OpenID Connect Discovery 1.0, 4.3);
- the ID token's `iss`, `aud` (and `azp`), `exp` and `iat` (it checks the signature
  and `exp` only, and not `aud`);
- the account: made from the colleague records (accounts/services.py), never
  from the email alone;
- every refusal is a page saying what happened, a log line, no account and no session.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .services import account_sign_in
from .sso import Refusal, SignInRefused, used_mfa

log = logging.getLogger("accounts.sign_in")

# Session keys: the sign-in came through the provider (and MFA_SESSION_KEY: it said it used a
# second factor); the ID token, kept as the hint for the provider's sign-out.
SSO_SESSION_KEY = "sso"
MFA_SESSION_KEY = "sso_mfa"
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 - a session key, not a secret

# Discovery documents by issuer, with the time they were fetched: a provider's endpoints
# rarely change, and a sign-in should not cost a request for them. Keys are fetched at each
# sign-in by the library, so a rotated key is picked up at once.
DISCOVERY_SECONDS = 3600
_discovered: dict[str, tuple[float, dict]] = {}
_discovery_lock = threading.Lock()
# Seconds of clock difference allowed between the provider and us (exp, iat).
LEEWAY_SECONDS = 60


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


def provider_metadata() -> dict:
    """The provider's discovery document (cached an hour); SignInRefused if it cannot be had or is not its own."""
    issuer = settings.OIDC_ISSUER
    if not enabled():
        raise SignInRefused(Refusal.NOT_CONFIGURED)
    with _discovery_lock:
        fetched = _discovered.get(issuer)
        if fetched and time.monotonic() - fetched[0] < DISCOVERY_SECONDS:
            return fetched[1]
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise SignInRefused(Refusal.PROVIDER_ERROR, f"discovery {url}: {exc}") from exc
    if metadata.get("issuer") != issuer:
        raise SignInRefused(
            Refusal.WRONG_ISSUER, f"discovery names issuer {metadata.get('issuer')!r}, expected {issuer!r}"
        )
    with _discovery_lock:
        _discovered[issuer] = (time.monotonic(), metadata)
    return metadata


def forget_provider_metadata() -> None:
    """For the tests: the next sign-in reads the discovery document again."""
    with _discovery_lock:
        _discovered.clear()


def provider_origins() -> list[str]:
    """Where a form on our pages may lead: the provider, for signing out there (no fetch here)."""
    if not enabled():
        return []
    origins = {settings.OIDC_ISSUER}
    with _discovery_lock:
        fetched = _discovered.get(settings.OIDC_ISSUER)
    if fetched and fetched[1].get("end_session_endpoint"):
        origins.add(fetched[1]["end_session_endpoint"])
    return sorted({"{}://{}".format(*urlsplit(url)[:2]) for url in origins})


def _user_with_colleague(user_id):
    """The signed-in user with their colleague record in the same query (the leaver check needs it)."""
    return get_user_model()._default_manager.select_related("colleague").filter(pk=user_id).first()


class ProviderBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, its endpoints from discovery and its claims checked in full."""

    def __init__(self, *args, **kwargs):
        # The library reads every endpoint from settings here; ours come from discovery, and
        # only when a sign-in needs them (this class is also made to load a user at each request).
        self.UserModel = get_user_model()

    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_RP_CLIENT_ID(self):
        return settings.OIDC_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self):
        return settings.OIDC_CLIENT_SECRET

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):
        return provider_metadata()["token_endpoint"]

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):
        return provider_metadata()["jwks_uri"]

    @property
    def OIDC_OP_USER_ENDPOINT(self):
        return provider_metadata().get("userinfo_endpoint")

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "code" not in request.GET:
            return None  # a password sign-in, or single sign-on is off
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as exc:
            # The token endpoint said no: a code used twice, a PKCE verifier that does not match.
            body = exc.response.text[:300] if exc.response is not None else ""
            raise SignInRefused(Refusal.PROVIDER_ERROR, f"token endpoint: {body}") from exc
        except requests.RequestException as exc:
            raise SignInRefused(Refusal.PROVIDER_ERROR, str(exc)) from exc

    def verify_token(self, token, **kwargs):
        """Signature, issuer, audience, expiry and nonce of the ID token; SignInRefused naming the first wrong."""
        if not token:
            raise SignInRefused(Refusal.BAD_TOKEN, "no id_token in the token response")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise SignInRefused(Refusal.BAD_TOKEN, str(exc)) from exc
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SignInRefused(Refusal.BAD_SIGNATURE, f"alg {header.get('alg')!r}")
        try:
            key = self.retrieve_matching_jwk(token)
        except SuspiciousOperation as exc:
            raise SignInRefused(Refusal.BAD_SIGNATURE, f"no key {header.get('kid')!r}") from exc
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=settings.OIDC_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.InvalidSignatureError as exc:
            raise SignInRefused(Refusal.BAD_SIGNATURE, str(exc)) from exc
        except jwt.ExpiredSignatureError as exc:
            raise SignInRefused(Refusal.EXPIRED, str(exc)) from exc
        except jwt.InvalidAudienceError as exc:
            raise SignInRefused(Refusal.WRONG_AUDIENCE, str(exc)) from exc
        except jwt.InvalidIssuerError as exc:
            raise SignInRefused(Refusal.WRONG_ISSUER, str(exc)) from exc
        except jwt.DecodeError as exc:
            raise SignInRefused(Refusal.BAD_SIGNATURE, str(exc)) from exc
        except jwt.PyJWTError as exc:
            raise SignInRefused(Refusal.BAD_TOKEN, str(exc)) from exc
        audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        if len(audiences) > 1 and payload.get("azp") != settings.OIDC_CLIENT_ID:
            raise SignInRefused(Refusal.WRONG_AUDIENCE, f"azp {payload.get('azp')!r}")
        if kwargs.get("nonce") is None or payload.get("nonce") != kwargs["nonce"]:
            raise SignInRefused(Refusal.REPLAYED, "nonce does not match this browser's sign-in")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        # The ID token's claims only: it is signed and checked; Entra ID's userinfo endpoint
        # is Microsoft Graph's, which knows neither the groups nor the amr.
        return payload

    def store_tokens(self, access_token, id_token):
        # Kept on the request until the new session exists (the view writes them after auth.login).
        self.request.sso_id_token = id_token

    def get_or_create_user(self, access_token, id_token, payload):
        user = account_sign_in(claims=payload, issuer=settings.OIDC_ISSUER, today=timezone.localdate())
        self.request.sso_mfa = used_mfa(payload, settings.OIDC_MFA_VALUES)
        return user

    def get_user(self, user_id):
        user = _user_with_colleague(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def redirect_uri_refusal(request) -> SignInRefused | None:
    """In production, the provider must send the code back over HTTPS only (a code in clear is a session)."""
    uri = request.build_absolute_uri(reverse(settings.OIDC_AUTHENTICATION_CALLBACK_URL))
    if settings.OIDC_REQUIRE_HTTPS_REDIRECT and not uri.startswith("https://"):
        return SignInRefused(Refusal.INSECURE_REDIRECT, f"redirect URI {uri}")
    return None


def refused(request, refusal: SignInRefused):
    """The page for a refused sign-in: no account, no session, one log line."""
    log.warning("sign-in refused: %s%s", refusal.code, f" ({refusal.detail})" if refusal.detail else "")
    if not request.user.is_authenticated:
        # Nothing of the attempt is kept (its state, nonce and verifier); someone already signed
        # in who follows a stale link stays signed in as they were.
        request.session.flush()
    return render(
        request,
        "accounts/sign_in_refused.html",
        {"refusal": refusal, "sso": enabled()},
        status=403,
    )


class SignInStart(OIDCAuthenticationRequestView):
    """/accounts/sso/: off to the provider, with state, nonce and a PKCE challenge in the session."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID

    def get(self, request):
        try:
            refusal = redirect_uri_refusal(request)
            if refusal:
                raise refusal
            self.OIDC_OP_AUTH_ENDPOINT = provider_metadata()["authorization_endpoint"]
        except SignInRefused as refusal:
            return refused(request, refusal)
        return super().get(request)


class SignInCallback(OIDCAuthenticationCallbackView):
    """/accounts/sso/callback/: the provider's answer; an account and a session, or a refusal page."""

    def get(self, request):
        try:
            refusal = redirect_uri_refusal(request)
            if refusal:
                raise refusal
            if "code" in request.GET and "state" in request.GET and "oidc_states" not in request.session:
                raise SignInRefused(Refusal.REPLAYED, "no sign-in started in this session")
            return super().get(request)
        except SignInRefused as refusal:
            return refused(request, refusal)
        except SuspiciousOperation as exc:
            # The library's word for a state this session did not start, or already spent.
            return refused(request, SignInRefused(Refusal.REPLAYED, str(exc)))

    def login_failure(self):
        error = self.request.GET.get("error")
        detail = f"{error}: {self.request.GET.get('error_description', '')}" if error else "no account"
        return refused(self.request, SignInRefused(Refusal.PROVIDER_ERROR, detail))

    def login_success(self):
        request = self.request
        auth.login(request, self.user, backend="accounts.oidc.ProviderBackend")
        request.session[SSO_SESSION_KEY] = True
        request.session[MFA_SESSION_KEY] = bool(getattr(request, "sso_mfa", False))
        request.session[ID_TOKEN_SESSION_KEY] = request.sso_id_token
        log.info(
            "sign-in: account %s through the provider (second factor there: %s)",
            self.user.pk,
            "yes" if request.session[MFA_SESSION_KEY] else "no",
        )
        return redirect(self.success_url)


def sign_out_url(request, id_token: str | None) -> str:
    """Where signing out ends: the provider's own sign-out (RP-initiated logout) when it offers one."""
    login = reverse("login")
    if not (id_token and enabled()):
        return login
    try:
        end_session = provider_metadata().get("end_session_endpoint")
    except SignInRefused:
        return login
    if not end_session:
        return login
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(login),
        }
    )
    return f"{end_session}?{query}"
