import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.access import AccessGroup
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def hr_user(reference):
    user = UserFactory(username="hrperson")
    user.groups.add(Group.objects.get(name=AccessGroup.HR))
    return user


def sign_in(client, username, password=PASSWORD, next_url="/admin/"):
    return client.post(
        f"/accounts/login/?next={next_url}", {"username": username, "password": password, "next": next_url}
    )


def code_for(device):
    return f"{totp(device.bin_key):06d}"


def test_hr_must_set_up_and_pass_a_second_factor(client, hr_user):
    response = sign_in(client, "hrperson", next_url="/privacy/retention/")
    assert response.status_code == 302
    # Every page but the second factor sends them to it.
    page = client.get("/privacy/retention/")
    assert (page.status_code, page["Location"]) == (302, "/accounts/two-factor/?next=/privacy/retention/")
    setup = client.get(page["Location"])
    assert "Set up two-factor sign-in" in setup.content.decode()
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=hr_user, confirmed=False)

    with time_machine.travel(dt.datetime.now(tz=dt.UTC), tick=False) as clock:
        wrong = client.post("/accounts/two-factor/", {"token": "000000", "next": "/privacy/retention/"})
        assert "That code is not right" in wrong.content.decode()
        # Throttled after a failure: even the right code waits a moment (guessing is slowed down).
        early = client.post(
            "/accounts/two-factor/", {"token": code_for(device), "next": "/privacy/retention/"}
        )
        assert early.status_code == 200
        clock.shift(dt.timedelta(seconds=3))
        ok = client.post("/accounts/two-factor/", {"token": code_for(device), "next": "/privacy/retention/"})
        assert (ok.status_code, ok["Location"]) == (302, "/privacy/retention/")
    assert client.get("/privacy/retention/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed is True


def test_next_sign_in_asks_for_the_code_only(client, hr_user):
    device = TOTPDevice.objects.create(user=hr_user, name="phone", confirmed=True)
    sign_in(client, "hrperson")
    page = client.get("/accounts/two-factor/")
    assert "Enter your sign-in code" in page.content.decode()
    assert "<svg" not in page.content.decode()
    assert (
        client.post("/accounts/two-factor/", {"token": code_for(device), "next": "/admin/"})["Location"]
        == "/admin/"
    )


def test_api_answers_json_403_before_the_second_factor(client, hr_user):
    sign_in(client, "hrperson")
    response = client.get("/api/v1/anything/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Two-factor verification required: sign in on the web first."}


def test_a_colleague_without_privileges_needs_no_second_factor(client, reference):
    UserFactory(username="officer")
    sign_in(client, "officer", next_url="/privacy/retention/")
    assert client.get("/privacy/retention/").status_code == 403  # reached the page: refused by role, not 2FA


def test_failed_sign_ins_lock_the_account_and_every_attempt_is_recorded(client, reference, settings):
    UserFactory(username="target")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "target", password="wrong").status_code == 200
    locked = sign_in(client, "target", password="wrong")
    assert locked.status_code == 429
    # Locked: even the right password is refused now.
    assert sign_in(client, "target").status_code == 429
    assert "Too many failed sign-ins" in sign_in(client, "target").content.decode()
    assert AccessAttempt.objects.get(username="target").failures_since_start >= settings.AXES_FAILURE_LIMIT
    assert AccessFailureLog.objects.filter(username="target").count() >= settings.AXES_FAILURE_LIMIT


def test_successful_sign_in_is_recorded(client, reference):
    UserFactory(username="officer")
    sign_in(client, "officer")
    assert AccessLog.objects.filter(username="officer").count() == 1


def test_session_ends_after_30_idle_minutes(client, reference):
    UserFactory(username="officer")
    start = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, "officer")
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/privacy/retention/").status_code == 403  # still signed in (refused by role)
        clock.shift(dt.timedelta(minutes=29))  # active 29 minutes ago: still in
        assert client.get("/privacy/retention/").status_code == 403
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/privacy/retention/")
        assert (response.status_code, response["Location"]) == (
            302,
            "/accounts/login/?next=/privacy/retention/",
        )


def test_settings_hash_passwords_with_pbkdf2(client, reference):
    """The suite hashes with MD5 for speed (tests/conftest.py); production keeps Django's PBKDF2."""
    from django.conf import global_settings
    from django.test import override_settings

    import config.settings as production

    hashers = getattr(production, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert hashers[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=hashers):
        user = UserFactory(username="pbkdf2")
        assert user.password.startswith("pbkdf2_sha256$1000000$")
        assert sign_in(client, "pbkdf2", next_url="/me/").status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
