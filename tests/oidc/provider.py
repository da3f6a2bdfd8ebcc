"""A real OpenID Provider for the tests: the `oidc-provider` npm package (tests/oidc/provider.mjs).

`OpenIDProvider` starts it on a free loopback port in its own process group
(tests/servers.py), with a signing key made here: the test keeps the private
half, so it can sign an ID token with exactly one claim wrong (audience,
issuer, expiry) and show that the app refuses that one thing. People are
rows of an accounts file the provider reads at every sign-in.

`authorize` plays the person at the provider over plain HTTP (its sign-in
form), from the app's redirect to the provider to the provider's redirect
back to the app, and returns that last address for the app's client to open.

Nothing here imports pytest or Django.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urljoin

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.servers import ROOT, Process, free_port, wait_for

HERE = Path(__file__).resolve().parent
CLIENT_ID = "hate-training"
CLIENT_SECRET = "test-client-secret-not-used-anywhere-else"
NODE = os.environ.get("NODE", shutil.which("node") or "/usr/bin/node")


class OpenIDProvider:
    def __init__(self, *, app_urls: list[str]):
        assert (HERE / "node_modules" / "oidc-provider").exists(), (
            "The test provider is not installed: run `npm ci --prefix tests/oidc` (scripts/test.sh does)"
        )
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.dir = Path(tempfile.mkdtemp(prefix="test-oidc-"))
        self.accounts_file = self.dir / "accounts.json"
        self.accounts: dict[str, dict] = {}
        self.kid = uuid.uuid4().hex
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key))
        # PyJWT marks a private key "sign" only; the provider also verifies with it (id_token_hint).
        jwk.pop("key_ops", None)
        config = {
            "issuer": self.issuer,
            "port": self.port,
            "accounts_file": str(self.accounts_file),
            "jwks": {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]},
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [f"{url}/accounts/sso/callback/" for url in app_urls],
                    "post_logout_redirect_uris": [f"{url}/accounts/login/" for url in app_urls],
                    "grant_types": ["authorization_code"],
                    "response_types": ["code"],
                    # mozilla-django-oidc sends the secret in the form body.
                    "token_endpoint_auth_method": "client_secret_post",
                }
            ],
        }
        self.config_file = self.dir / "config.json"
        self.config_file.write_text(json.dumps(config))
        self._write_accounts()
        self.process: Process | None = None

    # ------------------------------------------------------------------ the process

    def start(self) -> None:
        self.process = Process(
            f"oidc-provider-{self.port}",
            [NODE, str(HERE / "provider.mjs"), str(self.config_file)],
            env={**os.environ, "NODE_ENV": "test", "DEBUG": "oidc-provider:error"},
            logs=ROOT / "test-artifacts",
        )
        wait_for(self._answers, 30, f"oidc-provider on port {self.port}", interval=0.1)

    def _answers(self) -> bool:
        assert self.process.alive(), f"oidc-provider exited: see {self.process.log_path}"
        try:
            return requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=2).ok
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop(timeout=10)
            self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)

    # ------------------------------------------------------------------ people

    def _write_accounts(self) -> None:
        # Written whole then renamed: the provider never reads half a file.
        part = self.accounts_file.with_suffix(".part")
        part.write_text(json.dumps(self.accounts))
        part.replace(self.accounts_file)

    def person(self, login: str, *, email: str | None = None, groups=(), amr=("pwd",), acr=None, **claims):
        """Someone who can sign in at the provider as `login` (their subject), saying these claims."""
        claims = {"email": email, "email_verified": True, "groups": list(groups), **claims}
        self.accounts[login] = {
            "claims": {k: v for k, v in claims.items() if v is not None},
            "amr": list(amr),
            "acr": acr,
        }
        self._write_accounts()
        return login

    def forget_people(self) -> None:
        self.accounts = {}
        self._write_accounts()

    # ------------------------------------------------------------------ a person at the provider

    def authorize(self, authorization_url: str, login: str) -> str:
        """Sign in at the provider as `login`; the address the provider sends the browser back to."""
        assert authorization_url.startswith(self.issuer), authorization_url
        browser = requests.Session()
        url = authorization_url
        for _ in range(10):
            response = browser.get(url, allow_redirects=False, timeout=10)
            if response.status_code in (302, 303):
                url = urljoin(url, response.headers["Location"])
                if not url.startswith(self.issuer):
                    return url
                continue
            assert response.status_code == 200, f"{url}: {response.status_code} {response.text[:500]}"
            action = re.search(r'<form method="post" action="([^"]+)"', response.text)
            assert action, f"no sign-in form at {url}: {response.text[:500]}"
            url = urljoin(url, action.group(1))
            response = browser.post(url, data={"login": login}, allow_redirects=False, timeout=10)
            assert response.status_code in (302, 303), f"{url}: {response.status_code} {response.text[:500]}"
            url = urljoin(url, response.headers["Location"])
            if not url.startswith(self.issuer):
                return url
        raise AssertionError(f"the provider never sent the browser back (last at {url})")

    # ------------------------------------------------------------------ tokens made with its own key

    def sign(self, claims: dict) -> str:
        """An ID token signed with the provider's own key: valid in every way the claims do not break."""
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})
