"""Signing in through the organisation's OpenID Provider (a real one: tests/oidc), over plain HTTP.

Who gets in, as whom and with which roles; and every refusal: a clear page,
no account, no session, one log line.
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import jwt
import pytest
import time_machine
from django.contrib.auth import SESSION_KEY, get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.oidc import ProviderBackend
from core.access import AccessGroup, user_groups
from people.access import colleagues_for
from people.models import Colleague
from tests.factories import ColleagueFactory, TeamFactory, UserFactory
from tests.oidc.fixtures import callback_path, sso_sign_in, start_sign_in
from tests.oidc.provider import CLIENT_ID
from tests.organisation import user_in

pytestmark = pytest.mark.django_db
User = get_user_model()
LONDON = ZoneInfo("Europe/London")
# The provider's clock is the machine's: the app signs in at the real time, and travels only after.


def signed_in_user(client):
    """The account the client's session belongs to, or None."""
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id) if user_id else None


def refused_page(response, sentence: str, caplog, code: str):
    """A refusal: the page says so, nobody is signed in, and one warning names the reason."""
    assert response.status_code == 403
    page = response.content.decode()
    assert "You are not signed in" in page
    assert sentence in page
    lines = refusals(caplog)
    assert len(lines) == 1 and lines[0].startswith(f"sign-in refused: {code}"), lines


def refusals(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "accounts.sign_in" and r.levelno >= logging.WARNING
    ]


# ---------------------------------------------------------------- who gets in


def test_officer_signs_in_and_lands_on_their_own_record(client, sso, org, caplog):
    sso.person("omar", email="omar.officer@example.org")
    response = sso_sign_in(client, sso, "omar", next_url="/me/")
    assert (response.status_code, response["Location"]) == (302, "/me/")
    user = signed_in_user(client)
    org["O"].refresh_from_db()
    assert org["O"].user == user
    assert user.username.startswith("sso-") and not user.has_usable_password()
    assert user.email == "omar.officer@example.org"
    assert (user.first_name, user.last_name) == (org["O"].first_name, org["O"].last_name)
    assert user_groups(user) == {AccessGroup.COLLEAGUE}
    assert list(colleagues_for(user)) == [org["O"]]
    me = client.get("/me/")
    assert (me.status_code, me.context["page"].record.colleague) == (200, org["O"])


def test_the_email_claim_matches_whatever_its_case(client, sso, org):
    sso.person("mona", email="MONA.manager@EXAMPLE.org")
    sso_sign_in(client, sso, "mona")
    org["M"].refresh_from_db()
    assert org["M"].user == signed_in_user(client) is not None


def test_manager_is_derived_from_the_reporting_lines(client, sso, org):
    sso.person("mona", email="mona.manager@example.org", groups=["policy-owners-not-mapped"])
    sso_sign_in(client, sso, "mona")
    user = signed_in_user(client)
    # Manager through nobody's hands: M manages L directly and O through L.
    assert user_groups(user) == {AccessGroup.COLLEAGUE, AccessGroup.MANAGER}
    assert set(colleagues_for(user)) == {org["M"], org["L"], org["O"]}
    assert not user.groups.filter(name=AccessGroup.MANAGER).exists()
    # Their one report moves to another manager: at the next request M is a manager no more.
    org["L"].line_manager = None
    org["L"].team = TeamFactory(name="West")
    org["L"].save()
    org["O"].team = org["L"].team
    org["O"].save()
    assert client.get("/overdue/").status_code == 403


def test_hr_with_the_providers_second_factor_needs_no_local_code(client, sso, org):
    sso.person("hana", email="hana.hr@example.org", groups=["hr-staff"], amr=["pwd", "mfa"])
    sso_sign_in(client, sso, "hana")
    user = signed_in_user(client)
    assert user_groups(user) == {AccessGroup.COLLEAGUE, AccessGroup.HR}
    assert client.get("/privacy/retention/").status_code == 200


def test_hr_acr_can_be_the_second_factor(client, sso, org, settings):
    settings.OIDC_MFA_VALUES = ["http://schemas.openid.net/pape/policies/2007/06/multi-factor"]
    sso.person(
        "hana",
        email="hana.hr@example.org",
        groups=["hr-staff"],
        acr="http://schemas.openid.net/pape/policies/2007/06/multi-factor",
    )
    sso_sign_in(client, sso, "hana")
    assert client.get("/privacy/retention/").status_code == 200


def test_hr_without_the_providers_second_factor_still_needs_the_local_code(client, sso, org):
    sso.person("hana", email="hana.hr@example.org", groups=["hr-staff"], amr=["pwd"])
    sso_sign_in(client, sso, "hana")
    page = client.get("/privacy/retention/")
    assert (page.status_code, page["Location"]) == (302, "/accounts/two-factor/?next=/privacy/retention/")
    assert AccessGroup.HR in user_groups(signed_in_user(client))


def test_groups_are_read_again_at_every_sign_in(client, sso, org):
    sso.person("hana", email="hana.hr@example.org", groups=["hr-staff"], amr=["mfa"])
    sso_sign_in(client, sso, "hana")
    # Moved from HR to internal audit at the provider: the next sign-in says so.
    sso.person("hana", email="hana.hr@example.org", groups=["internal-audit"], amr=["mfa"])
    other = Client()
    sso_sign_in(other, sso, "hana")
    user = signed_in_user(other)
    assert user == signed_in_user(client)
    assert user_groups(user) == {AccessGroup.COLLEAGUE, AccessGroup.AUDITOR}


def test_a_changed_email_keeps_the_account(client, sso, org):
    sso.person("omar", email="omar.officer@example.org")
    sso_sign_in(client, sso, "omar")
    first = signed_in_user(client)
    # Married and renamed: HR's records and the provider both carry the new address.
    org["O"].email = "omar.newname@example.org"
    org["O"].save()
    sso.person("omar", email="omar.newname@example.org")
    again = Client()
    sso_sign_in(again, sso, "omar")
    assert signed_in_user(again) == first
    first.refresh_from_db()
    assert first.email == "omar.newname@example.org"
    assert User.objects.filter(username__startswith="sso-").count() == 1


def test_the_employee_number_claim_can_match_instead(client, sso, org, settings):
    settings.OIDC_COLLEAGUE_CLAIM = "employee_number"
    sso.person("omar", email="someone.else@example.org", employee_number="O1")
    sso_sign_in(client, sso, "omar")
    org["O"].refresh_from_db()
    assert org["O"].user == signed_in_user(client) is not None


def test_a_colleague_with_a_hand_made_account_signs_in_to_it(client, sso, org):
    old = UserFactory(username="omar")
    org["O"].user = old
    org["O"].save()
    sso.person("omar", email="omar.officer@example.org")
    sso_sign_in(client, sso, "omar")
    assert signed_in_user(client) == old
    assert not User.objects.filter(username__startswith="sso-").exists()


# ---------------------------------------------------------------- who does not


def accounts_before():
    return set(User.objects.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("email", "sentence", "code"),
    [
        ("nobody@example.org", "We could not find you in the colleague records.", "no_record"),
        ("xavier.left@example.org", "The colleague records show that you have left", "leaver"),
        ("twin@example.org", "More than one colleague record matches", "ambiguous"),
    ],
    ids=["no record", "leaver", "ambiguous"],
)
def test_people_the_records_do_not_name_are_asked_to_see_hr(client, sso, org, caplog, email, sentence, code):
    ColleagueFactory(employee_number="T1", email="twin@example.org")
    ColleagueFactory(employee_number="T2", email="Twin@example.org")
    sso.person("someone", email=email)
    before = accounts_before()
    response = sso_sign_in(client, sso, "someone")
    refused_page(response, sentence, caplog, code)
    assert "Ask HR to add you" in response.content.decode()
    assert accounts_before() == before
    assert SESSION_KEY not in client.session


def test_an_account_switched_off_is_refused(client, sso, org, caplog):
    sso.person("omar", email="omar.officer@example.org")
    sso_sign_in(client, sso, "omar")
    User.objects.filter(pk=signed_in_user(client).pk).update(is_active=False)
    again = Client()
    response = sso_sign_in(again, sso, "omar")
    refused_page(response, "Your account here has been switched off.", caplog, "account_off")


def test_a_leavers_session_ends_on_their_leaving_date_mid_session(client, sso, org, settings):
    settings.SESSION_COOKIE_AGE = 7 * 24 * 3600  # only the leaving date may end this session
    today = timezone.localdate()
    org["O"].leaving_date = today + dt.timedelta(days=1)
    org["O"].save()
    sso.person("omar", email="omar.officer@example.org")
    sso_sign_in(client, sso, "omar")
    assert client.get("/me/").status_code == 200
    last_day = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(23, 50), tzinfo=LONDON)
    with time_machine.travel(last_day, tick=False) as clock:
        # Ten to midnight on their last day: still in post.
        assert client.get("/me/").status_code == 200
        clock.shift(dt.timedelta(minutes=20))  # ten past midnight: they have left, mid-session
        response = client.get("/me/")
        assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
        assert SESSION_KEY not in client.session


def test_a_leaver_cannot_sign_in_again(client, sso, org, caplog):
    sso.person("xavier", email="xavier.left@example.org")
    response = sso_sign_in(client, sso, "xavier")
    refused_page(response, "you have left", caplog, "leaver")


# ---------------------------------------------------------------- tokens that must not be trusted


@pytest.fixture
def token_in_transit(monkeypatch):
    """Changes the ID token in the provider's token response before the app reads it (a network attacker)."""
    change = {}
    original = ProviderBackend.get_token

    def get_token(self, payload):
        answer = original(self, payload)
        if "id_token" in change:
            answer["id_token"] = change["id_token"](answer["id_token"])
        return answer

    monkeypatch.setattr(ProviderBackend, "get_token", get_token)
    return change


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def re_signed(sso, **changed):
    """The real token's claims with some changed, signed with the provider's own key."""
    return lambda token: sso.sign({**claims_of(token), **changed})


def tampered(token: str) -> str:
    """The email changed in the payload, the provider's signature kept."""
    header, _payload, signature = token.split(".")
    claims = claims_of(token)
    claims["email"] = "mona.manager@example.org"
    forged = jwt.utils.base64url_encode(jwt.api_jws.json.dumps(claims).encode()).decode()
    return f"{header}.{forged}.{signature}"


@pytest.mark.parametrize(
    ("change", "sentence", "code"),
    [
        (lambda sso: tampered, "its signature does not match", "bad_signature"),
        (lambda sso: re_signed(sso, aud="another-app"), "made for another application", "wrong_audience"),
        (lambda sso: re_signed(sso, iss="https://login.example.com/"), "did not come from", "wrong_issuer"),
        (
            lambda sso: lambda token: sso.sign({**claims_of(token), "exp": claims_of(token)["iat"] - 120}),
            "had expired before it reached us",
            "expired",
        ),
    ],
    ids=["tampered", "wrong audience", "wrong issuer", "expired"],
)
def test_an_id_token_that_fails_a_check_is_refused(
    client, sso, org, caplog, token_in_transit, change, sentence, code
):
    sso.person("omar", email="omar.officer@example.org")
    token_in_transit["id_token"] = change(sso)
    before = accounts_before()
    response = sso_sign_in(client, sso, "omar")
    refused_page(response, sentence, caplog, code)
    assert accounts_before() == before
    assert SESSION_KEY not in client.session
    org["O"].refresh_from_db()
    assert org["O"].user is None


def test_a_token_that_expired_on_the_way_is_refused(client, sso, org, caplog, settings):
    """The provider's own token, read after its hour is up (the app's clock an hour and two minutes on)."""
    settings.SESSION_COOKIE_AGE = 3 * 3600  # the sign-in's state outlives the token here
    sso.person("omar", email="omar.officer@example.org")
    back = sso.authorize(start_sign_in(client), "omar")
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=62)):
        response = client.get(callback_path(back))
    refused_page(response, "had expired before it reached us", caplog, "expired")
    assert not User.objects.filter(username__startswith="sso-").exists()


def test_a_replayed_state_is_refused(client, sso, org, caplog):
    sso.person("omar", email="omar.officer@example.org")
    back = sso.authorize(start_sign_in(client), "omar")
    attacker = Client()
    # The same answer in another browser: that browser never started this sign-in.
    response = attacker.get(callback_path(back))
    refused_page(response, "already been used, or it belongs to another browser", caplog, "replayed")
    assert not User.objects.filter(username__startswith="sso-").exists()


def test_a_state_used_twice_is_refused_the_second_time(client, sso, org, caplog):
    sso.person("omar", email="omar.officer@example.org")
    start_sign_in(client)  # a second sign-in started in the same browser keeps its states in the session
    back = sso.authorize(start_sign_in(client), "omar")
    assert client.get(callback_path(back)).status_code == 302
    client.logout()
    caplog.clear()
    start_sign_in(client)
    response = client.get(callback_path(back))
    refused_page(response, "already been used", caplog, "replayed")


def test_a_replayed_nonce_is_refused(client, sso, org, caplog, settings):
    """An ID token from one sign-in presented for another: its nonce is not the one this sign-in sent.

    The app's PKCE is off here, or the provider would refuse the swapped code before the nonce is read.
    """
    settings.OIDC_USE_PKCE = False
    sso.person("omar", email="omar.officer@example.org")
    first = sso.authorize(start_sign_in(client), "omar")
    second = sso.authorize(start_sign_in(client), "omar")
    # The code of the first with the state of the second.
    code = parse_qs(urlparse(first).query)["code"][0]
    state = parse_qs(urlparse(second).query)["state"][0]
    response = client.get("/accounts/sso/callback/", {"code": code, "state": state})
    refused_page(response, "already been used", caplog, "replayed")
    assert "nonce" in refusals(caplog)[-1]
    assert not User.objects.filter(username__startswith="sso-").exists()


def test_pkce_binds_the_code_to_the_browser_that_asked(client, sso, org, caplog):
    """With PKCE (the default) a code swapped into another sign-in fails at the provider itself."""
    sso.person("omar", email="omar.officer@example.org")
    start = start_sign_in(client)
    query = parse_qs(urlparse(start).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["client_id"] == [CLIENT_ID] and query["nonce"][0] and query["state"][0]
    first = sso.authorize(start, "omar")
    second = sso.authorize(start_sign_in(client), "omar")
    code = parse_qs(urlparse(first).query)["code"][0]
    state = parse_qs(urlparse(second).query)["state"][0]
    response = client.get("/accounts/sso/callback/", {"code": code, "state": state})
    refused_page(response, "did not complete the sign-in", caplog, "provider_error")


def test_an_http_redirect_uri_is_refused_in_production(client, sso, org, caplog, settings):
    settings.OIDC_REQUIRE_HTTPS_REDIRECT = True  # what DJANGO_ENV=production sets
    response = client.get("/accounts/sso/")
    refused_page(response, "only works over HTTPS", caplog, "insecure_redirect")
    assert "redirect URI http://testserver/accounts/sso/callback/" in refusals(caplog)[-1]
    assert "oidc_states" not in client.session


def test_an_issuer_whose_discovery_names_another_is_refused(client, sso, org, caplog, settings):
    # The same provider reached by another name: its discovery document says who it really is.
    settings.OIDC_ISSUER = sso.issuer.replace("127.0.0.1", "localhost")
    response = client.get("/accounts/sso/")
    refused_page(response, "did not come from the organisation", caplog, "wrong_issuer")


def test_the_provider_saying_no_is_a_clear_page(client, sso, org, caplog):
    start_sign_in(client)
    state = next(iter(client.session["oidc_states"]))
    response = client.get(
        "/accounts/sso/callback/",
        {"error": "access_denied", "error_description": "User cancelled", "state": state},
    )
    refused_page(response, "did not complete the sign-in", caplog, "provider_error")
    assert "access_denied: User cancelled" in refusals(caplog)[-1]


# ---------------------------------------------------------------- signing out, passwords


def test_signing_out_ends_the_providers_session_too(client, sso, org):
    sso.person("omar", email="omar.officer@example.org")
    sso_sign_in(client, sso, "omar")
    # The sign-out form on every page may lead to the provider (browsers apply form-action to redirects).
    policy = client.get("/reminders/calendar/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["form-action"] == f"'self' {sso.issuer}"
    response = client.post("/accounts/logout/")
    assert SESSION_KEY not in client.session
    target = urlparse(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{sso.issuer}/session/end"
    query = parse_qs(target.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert query["client_id"] == [CLIENT_ID]
    assert claims_of(query["id_token_hint"][0])["email"] == "omar.officer@example.org"


def test_a_password_account_signs_out_to_the_sign_in_page(client, sso, reference):
    client.force_login(UserFactory(username="breakglass"))
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"


def test_passwords_can_be_kept_for_break_glass_administrators_only(client, sso, reference, settings):
    settings.LOCAL_PASSWORD_SIGN_IN = False
    UserFactory(username="officer")
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with your work account" in page and "Administrators" in page
    refused = client.post("/accounts/login/", {"username": "officer", "password": "correct-horse-battery"})
    assert refused.status_code == 200 and SESSION_KEY not in client.session
    admitted = client.post("/accounts/login/", {"username": "admin", "password": "correct-horse-battery"})
    assert admitted.status_code == 302 and SESSION_KEY in client.session


def test_without_a_provider_the_sign_in_page_offers_passwords_only(client, reference, settings):
    settings.OIDC_ISSUER = ""
    page = client.get("/accounts/login/").content.decode()
    assert "work account" not in page
    assert client.get("/accounts/sso/").status_code == 403


# ---------------------------------------------------------------- what it costs


def test_a_page_costs_the_same_queries_signed_in_through_the_provider(client, sso, org):
    """Signing in through the provider adds no query to a page, and neither does deriving the manager.

    1 the session, 2 the user with their colleague record (the leaver check reads it), 3 the
    roles: groups and "manages anyone" in one statement, as the groups alone were before,
    4 the page's own (the calendar address), 5-7 the session saved (savepoint, update, release).
    """
    sso.person("mona", email="mona.manager@example.org")
    local = Client()
    local.force_login(user_in("local-manager", AccessGroup.MANAGER, org["H"]))
    sso_sign_in(client, sso, "mona")
    counts = {}
    for who, c in {"sso": client, "local": local}.items():
        with CaptureQueriesContext(connection) as queries:
            assert c.get("/reminders/calendar/").status_code == 200
        counts[who] = len(queries)
    assert counts == {"sso": 7, "local": 7}


def test_in_post_is_the_engines_active_on(reference):
    """people.access.in_post_on (the manager check's) and compliance.queries.active_on agree."""
    from compliance.queries import active_on
    from people.access import in_post_on

    day = dt.date(2026, 2, 28)
    for start, leaving in [
        ("2020-01-01", None),
        ("2026-02-28", None),
        ("2026-03-01", None),
        ("2020-01-01", "2026-02-28"),
        ("2020-01-01", "2026-02-27"),
        ("2024-02-29", "2026-03-01"),
    ]:
        ColleagueFactory(
            start_date=dt.date.fromisoformat(start), leaving_date=leaving and dt.date.fromisoformat(leaving)
        )
    ours = set(Colleague.objects.filter(in_post_on(day)).values_list("pk", flat=True))
    engines = set(Colleague.objects.filter(active_on(day)).values_list("pk", flat=True))
    assert ours == engines and len(ours) == 4
