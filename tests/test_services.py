"""The real services the suite relies on work: a Celery worker on Redis and headless Chromium."""

import pytest
from django.db import connection
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.tasks import worker_check
from tests.factories import UserFactory
from tests.services import screenshot


@pytest.mark.worker
def test_real_worker_reads_the_test_database(celery_worker, reference):
    UserFactory.create_batch(3)
    task = worker_check.delay()
    result = task.get(timeout=30)
    # Outside a web request the task's own id stands in for the request id in its logs.
    assert result == {"database": connection.settings_dict["NAME"], "users": 3, "request_id": task.id}


@pytest.mark.browser
def test_browser_signs_in_to_the_admin_with_a_second_factor(page, transactional_db):
    user = UserFactory(username="hrtest", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto("/accounts/login/?next=/admin/")
    page.get_by_label("Username").fill("hrtest")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/**")
    page.get_by_label("6-digit code from your authenticator app").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/admin/")
    assert "Site administration" in page.content()
    screenshot(page, "admin-home")
