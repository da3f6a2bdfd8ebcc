"""The sign-in rules as plain functions (accounts/sso.py): no provider, no database."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.sso import (
    Candidate,
    Refusal,
    SignInRefused,
    choose_colleague,
    role_groups,
    roles_from_claims,
    used_mfa,
)
from core.access import AccessGroup

TODAY = dt.date(2026, 6, 1)
D = dt.date.fromisoformat


def test_role_groups_reads_group_role_pairs():
    assert role_groups(" HR Team=hr, Audit=auditor,Owners=policy_owner,") == {
        "HR Team": AccessGroup.HR,
        "Audit": AccessGroup.AUDITOR,
        "Owners": AccessGroup.POLICY_OWNER,
    }
    assert role_groups("") == {}


@pytest.mark.parametrize("setting", ["Managers=manager", "hr", "=hr", "HR=superuser"])
def test_role_groups_refuses_what_is_not_a_claimable_role(setting):
    # Managers come from the reporting lines, never from a group.
    with pytest.raises(ImproperlyConfigured, match="OIDC_ROLE_GROUPS"):
        role_groups(setting)


def test_roles_from_claims_always_include_colleague_and_ignore_unknown_groups():
    mapping = {"g-hr": AccessGroup.HR}
    assert roles_from_claims({"groups": ["g-hr", "g-other"]}, mapping) == {
        AccessGroup.HR,
        AccessGroup.COLLEAGUE,
    }
    assert roles_from_claims({"groups": "g-hr"}, mapping) == {AccessGroup.HR, AccessGroup.COLLEAGUE}
    assert roles_from_claims({}, mapping) == {AccessGroup.COLLEAGUE}


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"amr": ["pwd", "mfa"]}, True),
        ({"amr": "mfa"}, True),
        ({"amr": ["pwd"]}, False),
        ({"acr": "urn:mfa"}, True),
        ({"acr": "urn:pwd"}, False),
        ({}, False),
    ],
)
def test_used_mfa_reads_amr_or_acr(claims, expected):
    assert used_mfa(claims, ["mfa", "urn:mfa", " "]) is expected


def refusal(candidates):
    with pytest.raises(SignInRefused) as caught:
        choose_colleague(candidates, TODAY)
    return caught.value.code


def test_choose_colleague():
    current = Candidate(1, D("2020-01-01"), None)
    left = Candidate(2, D("2010-01-01"), D("2019-12-31"))
    last_day_today = Candidate(3, D("2020-01-01"), TODAY)
    not_yet = Candidate(4, D("2026-07-01"), None)
    assert choose_colleague([current], TODAY) == 1
    # Someone who came back: their old record is not a second match.
    assert choose_colleague([left, current], TODAY) == 1
    # Still in post on their leaving date, as everywhere in the app.
    assert choose_colleague([last_day_today], TODAY) == 3
    assert refusal([]) == Refusal.NO_RECORD
    assert refusal([left]) == Refusal.LEAVER
    assert refusal([current, last_day_today]) == Refusal.AMBIGUOUS
    assert refusal([not_yet]) == Refusal.NO_RECORD


def test_every_refusal_has_a_sentence_and_only_record_problems_send_people_to_hr():
    codes = {v for k, v in vars(Refusal).items() if k.isupper() and isinstance(v, str)}
    assert codes == set(Refusal.MESSAGES)
    assert {Refusal.NO_RECORD, Refusal.LEAVER, Refusal.AMBIGUOUS, Refusal.ACCOUNT_OFF} == Refusal.ASK_HR
    assert SignInRefused(Refusal.NO_CLAIM, claim="employee_number").message == (
        "Your work account did not tell us who you are (it sent no employee_number)."
    )
