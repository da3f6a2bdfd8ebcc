"""Fixtures: the test OpenID Provider, the app pointed at it, and signing in through it."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from accounts.oidc import forget_provider_metadata

from .provider import CLIENT_ID, CLIENT_SECRET, OpenIDProvider

ROLE_GROUPS = "hr-staff=hr,internal-audit=auditor,policy-owners=policy_owner"


def _provider(app_urls):
    provider = OpenIDProvider(app_urls=app_urls)
    try:
        provider.start()
    except BaseException:
        provider.stop()
        raise
    return provider


@pytest.fixture(scope="session")
def openid_provider():
    """The provider, for the test client (its address is http://testserver)."""
    provider = _provider(["http://testserver"])
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def browser_openid_provider(live_server):
    """The provider, for the browser (it sends people back to the live server)."""
    provider = _provider([live_server.url])
    yield provider
    provider.stop()


def point_app_at(settings, provider) -> None:
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_COLLEAGUE_CLAIM = "email"
    settings.OIDC_ROLE_GROUPS = ROLE_GROUPS
    settings.OIDC_MFA_VALUES = ["mfa", "hwk"]
    settings.OIDC_REQUIRE_HTTPS_REDIRECT = False
    settings.OIDC_USE_PKCE = True
    forget_provider_metadata()
    provider.forget_people()


@pytest.fixture
def sso(settings, openid_provider):
    """The app signs people in through the test provider; the provider knows nobody yet."""
    point_app_at(settings, openid_provider)
    yield openid_provider
    forget_provider_metadata()


@pytest.fixture
def browser_sso(settings, browser_openid_provider):
    point_app_at(settings, browser_openid_provider)
    yield browser_openid_provider
    forget_provider_metadata()


def start_sign_in(client, next_url: str | None = None) -> str:
    """The app's redirect to the provider (state, nonce and PKCE challenge now in the session)."""
    response = client.get("/accounts/sso/", {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def callback_path(url: str) -> str:
    parts = urlparse(url)
    return f"{parts.path}?{parts.query}"


def sso_sign_in(client, provider, login: str, next_url: str | None = None):
    """The whole round trip over plain HTTP: the app's answer to the provider's redirect back."""
    back = provider.authorize(start_sign_in(client, next_url), login)
    return client.get(callback_path(back))
