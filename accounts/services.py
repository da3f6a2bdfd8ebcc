"""Writes for signing in: the account a provider's sign-in lands on."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .sso import (
    Candidate,
    Refusal,
    SignInRefused,
    choose_colleague,
    role_groups,
    roles_from_claims,
    sso_username,
)

log = logging.getLogger("accounts.sign_in")


def _colleague_for(claims: Mapping, today: dt.date):
    """The colleague the configured claim names: email case-insensitively, else the employee number."""
    from people.models import Colleague

    claim = settings.OIDC_COLLEAGUE_CLAIM
    value = str(claims.get(claim) or "").strip()
    if not value:
        raise SignInRefused(Refusal.NO_CLAIM, f"claim {claim} missing", claim=claim)
    lookup = {"email__iexact": value} if claim == "email" else {"employee_number": value}
    records = Colleague.objects.filter(**lookup).select_related("user")
    by_pk = {c.pk: c for c in records}
    chosen = choose_colleague([Candidate(c.pk, c.start_date, c.leaving_date) for c in by_pk.values()], today)
    return by_pk[chosen]


@transaction.atomic
def account_sign_in(*, claims: Mapping, issuer: str, today: dt.date):
    """The account for a verified ID token's claims, made at the first sign-in; SignInRefused otherwise.

    The account is found by the provider's subject first (so a changed email
    keeps it), and its colleague must still be in post. A first sign-in links
    the colleague the claim matches; a colleague already linked to a hand-made
    account (from before single sign-on) keeps it, unless it is an
    administrator's, which signs in with its password only. The account's
    roles are set from the `groups` claim every time.
    """
    from people.models import Colleague

    User = get_user_model()
    username = sso_username(issuer, str(claims["sub"]))
    user = User.objects.filter(username=username).first()
    colleague = Colleague.objects.filter(user=user).first() if user is not None else None
    if colleague is not None:
        if not Candidate(colleague.pk, colleague.start_date, colleague.leaving_date).active_on(today):
            raise SignInRefused(Refusal.LEAVER, f"account {user.pk}")
    else:
        colleague = _colleague_for(claims, today)
        linked = colleague.user
        if linked is not None and linked != user:
            if linked.is_staff or linked.is_superuser:
                raise SignInRefused(Refusal.ADMIN_ACCOUNT, f"colleague {colleague.pk}, account {linked.pk}")
            user = linked
            log.info("sign-in: colleague %s signs in to their existing account %s", colleague.pk, user.pk)
    if user is None:
        user = User.objects.create_user(username=username)  # no password: it cannot sign in with one
        log.info("sign-in: account %s made for colleague %s", username, colleague.pk)
    if not user.is_active:
        raise SignInRefused(Refusal.ACCOUNT_OFF, f"account {user.pk}")
    if colleague.user_id != user.pk:
        colleague.user = user
        colleague.save(update_fields=["user"])
    user.email = str(claims.get("email") or colleague.email or "")
    user.first_name, user.last_name = colleague.first_name[:150], colleague.last_name[:150]
    user.save(update_fields=["email", "first_name", "last_name"])
    roles = roles_from_claims(claims, role_groups(settings.OIDC_ROLE_GROUPS))
    user.groups.set(Group.objects.filter(name__in=roles))
    return user
