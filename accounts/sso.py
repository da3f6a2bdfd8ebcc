"""Who a provider's sign-in is, in our records: the rules, as plain functions.

The provider says who someone is (its ID token's claims); the colleague
records say whether they work here and what they manage. An account is made
at the first sign-in and tied to the colleague whose email (or employee
number, `OIDC_COLLEAGUE_CLAIM`) matches; nobody is created by hand any more
but break-glass administrators. HR, auditor and policy owner come from the
provider's `groups` claim through `OIDC_ROLE_GROUPS` at every sign-in;
managers are never a group, but whoever has colleagues reporting to them
(core.access.user_groups works that out at each request).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from core.access import AccessGroup

# The roles a group claim may give (OIDC_ROLE_GROUPS), by the names the settings use.
CLAIMABLE_ROLES = {
    "hr": AccessGroup.HR,
    "auditor": AccessGroup.AUDITOR,
    "policy_owner": AccessGroup.POLICY_OWNER,
}


class Refusal:
    """Why a sign-in was refused: a code for the log line, a sentence and what to do for the page."""

    NO_RECORD = "no_record"
    LEAVER = "leaver"
    AMBIGUOUS = "ambiguous"
    NO_CLAIM = "no_claim"
    ACCOUNT_OFF = "account_off"
    ADMIN_ACCOUNT = "admin_account"
    BAD_SIGNATURE = "bad_signature"
    WRONG_AUDIENCE = "wrong_audience"
    EXPIRED = "expired"
    WRONG_ISSUER = "wrong_issuer"
    REPLAYED = "replayed"
    BAD_TOKEN = "bad_token"  # noqa: S105 - a refusal code
    INSECURE_REDIRECT = "insecure_redirect"
    PROVIDER_ERROR = "provider_error"
    NOT_CONFIGURED = "not_configured"

    # Those a person can have put right by HR: the page says "ask HR to add you".
    ASK_HR = frozenset({NO_RECORD, LEAVER, AMBIGUOUS, ACCOUNT_OFF})

    MESSAGES = {
        NO_RECORD: "We could not find you in the colleague records.",
        LEAVER: "The colleague records show that you have left the organisation.",
        AMBIGUOUS: "More than one colleague record matches your work account.",
        NO_CLAIM: "Your work account did not tell us who you are (it sent no {claim}).",
        ACCOUNT_OFF: "Your account here has been switched off.",
        ADMIN_ACCOUNT: "Your colleague record belongs to an administrator account, which signs in with "
        "its password only.",
        BAD_SIGNATURE: "The sign-in could not be trusted: its signature does not match the organisation's "
        "sign-in service.",
        WRONG_AUDIENCE: "The sign-in was made for another application, not this one.",
        EXPIRED: "The sign-in had expired before it reached us.",
        WRONG_ISSUER: "The sign-in did not come from the organisation's sign-in service.",
        REPLAYED: "This sign-in link has already been used, or it belongs to another browser.",
        BAD_TOKEN: "The sign-in could not be read.",
        INSECURE_REDIRECT: "Single sign-on only works over HTTPS, and this address is not HTTPS.",
        PROVIDER_ERROR: "The organisation's sign-in service did not complete the sign-in.",
        NOT_CONFIGURED: "Single sign-on is not set up here.",
    }


class SignInRefused(Exception):
    """A sign-in that must not go ahead: `code` (Refusal), the page's sentence, and detail for the log."""

    def __init__(self, code: str, detail: str = "", **words):
        self.code = code
        self.detail = detail
        self.message = Refusal.MESSAGES[code].format(**words)
        self.ask_hr = code in Refusal.ASK_HR
        super().__init__(f"{code}: {detail}" if detail else code)


def role_groups(setting: str) -> dict[str, str]:
    """OIDC_ROLE_GROUPS ("HR-Staff=hr, Audit=auditor") as {group claim value: access group name}."""
    mapping = {}
    for pair in filter(None, (p.strip() for p in setting.split(","))):
        group, sep, role = pair.rpartition("=")
        if not sep or not group.strip() or role.strip() not in CLAIMABLE_ROLES:
            raise ImproperlyConfigured(
                f"OIDC_ROLE_GROUPS: {pair!r} is not group=role with role one of "
                f"{', '.join(sorted(CLAIMABLE_ROLES))}."
            )
        mapping[group.strip()] = CLAIMABLE_ROLES[role.strip()]
    return mapping


def roles_from_claims(claims: Mapping, mapping: Mapping[str, str]) -> frozenset[str]:
    """The access groups the `groups` claim gives, always with Colleague (everyone sees their own record)."""
    groups = claims.get("groups") or []
    if isinstance(groups, str):
        groups = [groups]
    return frozenset({AccessGroup.COLLEAGUE} | {mapping[g] for g in groups if g in mapping})


def used_mfa(claims: Mapping, mfa_values: Iterable[str]) -> bool:
    """Whether the provider says this sign-in used a second factor (`amr` values, or the `acr`)."""
    wanted = {v.strip() for v in mfa_values if v.strip()}
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(wanted & set(amr)) or claims.get("acr") in wanted


def sso_username(issuer: str, subject: str) -> str:
    """The account's username: fixed by the provider's subject, so a changed email keeps the account.

    Hashed: usernames show in logs and the admin, the subject need not.
    """
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:40]
    return f"sso-{digest}"


@dataclass(frozen=True)
class Candidate:
    """A colleague record a claim matched: what the choice needs to know."""

    pk: int
    start_date: dt.date
    leaving_date: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        # As everywhere in the app: active from the start date through the leaving date.
        return self.start_date <= day and (self.leaving_date is None or day <= self.leaving_date)


def choose_colleague(candidates: list[Candidate], today: dt.date) -> int:
    """The one colleague a claim names, or SignInRefused: none, only leavers, or more than one in post.

    A leaver's old record beside a current one (someone who came back) is not ambiguous:
    the current one is theirs. Someone whose start date is still to come is not in post yet,
    and is treated as having no record.
    """
    if not candidates:
        raise SignInRefused(Refusal.NO_RECORD)
    current = [c for c in candidates if c.active_on(today)]
    if len(current) > 1:
        raise SignInRefused(Refusal.AMBIGUOUS, f"{len(current)} current records")
    if current:
        return current[0].pk
    if any(c.leaving_date is not None and c.leaving_date < today for c in candidates):
        raise SignInRefused(Refusal.LEAVER)
    raise SignInRefused(Refusal.NO_RECORD, "starts later")
