import os

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests: CI runs the same examples on every run (derandomised), so a red build means
# the code changed, never that this run happened to find a new example; a local run keeps
# exploring with random examples and remembers what fails in .hypothesis/. An example found
# locally joins the test's explicit cases (`@example`), where CI runs it too.
# Both from Hypothesis's own defaults: it loads its built-in "ci" profile by itself whenever a
# CI variable is set at all, even CI=false, and a profile registered without a parent inherits it.
_defaults = hypothesis_settings.get_profile("default")
# No deadline and no too-slow check in CI either: both depend on the machine's load, not the code.
hypothesis_settings.register_profile(
    "ci",
    parent=_defaults,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
hypothesis_settings.register_profile("local", parent=_defaults)
hypothesis_settings.load_profile(
    "ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "local"
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The suite runs on PostgreSQL, as production does: a missing server fails, never skips."""
    with django_db_blocker.unblock():
        assert connection.vendor == "postgresql", (
            f"Tests need PostgreSQL (DATABASE_URL=postgres://...), not {connection.vendor}"
        )


@pytest.fixture
def reference(db):
    """docs/rules.md §1: roles, courses, equivalences, requirements, case types and the policy."""
    call_command("loaddata", "reference", verbosity=0)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """MD5 instead of PBKDF2 for every test: its million rounds cost about 0.4 s a user, and the
    suite makes thousands of users. The tests sign in; they do not test the hash (production's
    hashers are config.settings', which test_settings_hash_passwords_with_pbkdf2 holds).

    Set on the settings themselves, not through override_settings: Celery reads its own settings
    from the same object, and cannot read them through override_settings' holder.
    """
    from django.conf import settings
    from django.test.signals import setting_changed

    from tests.organisation import FAST_HASHERS

    settings.PASSWORD_HASHERS = FAST_HASHERS
    # What override_settings would send: django.test.signals empties the hashers' cache.
    setting_changed.send(sender=None, setting="PASSWORD_HASHERS", value=FAST_HASHERS, enter=True)


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_in_process():
    """Tasks run eagerly unless a test asks for the real worker (`celery_worker`)."""
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


pytest_plugins = ["tests.services", "tests.oidc.fixtures"]


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """`client.force_login` skips the password, so it skips the TOTP step too.

    HR and admin users must pass two-factor sign-in (accounts.middleware); the
    tests of that sign-in go through the real form. Other tests log in with
    force_login and land verified, as a real HR user would after the code.
    """
    from django.test import Client

    from accounts.testing import sign_in_verified

    original = Client.force_login

    def force_login(self, user, backend=None):
        sign_in_verified(self, user, force_login=original)

    monkeypatch.setattr(Client, "force_login", force_login)
