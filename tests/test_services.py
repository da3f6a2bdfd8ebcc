"""The real services the suite relies on work: a Celery worker on Redis and headless Chromium."""

import pytest
from django.db import connection

from core.tasks import worker_check
from tests.factories import ColleagueFactory, UserFactory
from tests.services import screenshot


@pytest.mark.worker
def test_real_worker_reads_the_test_database(celery_worker, reference):
    ColleagueFactory.create_batch(3)
    task = worker_check.delay()
    result = task.get(timeout=30)
    # Outside a web request the task's own id stands in for the request id in its logs.
    assert result == {"database": connection.settings_dict["NAME"], "colleagues": 3, "request_id": task.id}


@pytest.mark.browser
def test_browser_signs_in_to_the_admin(page, transactional_db):
    UserFactory(username="hrtest", is_staff=True, is_superuser=True)
    page.goto("/accounts/login/?next=/admin/")
    page.get_by_label("Username").fill("hrtest")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
    assert "Site administration" in page.content()
    screenshot(page, "admin-home")
