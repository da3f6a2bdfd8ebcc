"""The pages work under the Content Security Policy: no violation in a real browser's console."""

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.access import AccessGroup
from tests.factories import ColleagueFactory, UserFactory

PAGES = [
    "/",
    "/overdue/",
    "/matrix/",
    "/kpi/",
    "/colleagues/{number}/",
    "/imports/",
    "/imports/training/upload/",
    "/reminders/calendar/",
    "/admin/",
    "/admin/people/colleague/",
    "/admin/people/colleague/{colleague}/change/",
    "/admin/training/trainingrecord/add/",
    "/api/docs/",
    "/policies/",
    "/programme/",
    "/reviews/",
    "/privacy/retention/",
]


@pytest.mark.browser
def test_pages_raise_no_csp_violation(page, transactional_db):
    from django.core.management import call_command

    call_command("loaddata", "reference", verbosity=0)
    user = UserFactory(username="hrcsp", is_staff=True, is_superuser=True)
    user.groups.add(Group.objects.get(name=AccessGroup.HR))
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    colleague = ColleagueFactory(role="NHO")
    violations = []
    page.on(
        "console",
        lambda m: violations.append(f"{page.url}: {m.text}") if "Content Security Policy" in m.text else None,
    )

    page.goto("/accounts/login/?next=/admin/")
    page.get_by_label("Username").fill("hrcsp")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/**")
    page.get_by_label("6-digit code from your authenticator app").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/admin/")
    statuses = {}
    for path in PAGES:
        response = page.goto(path.format(colleague=colleague.pk, number=colleague.employee_number))
        page.wait_for_load_state("networkidle")
        statuses[path] = response.status
        assert "content-security-policy" in response.headers
    assert statuses == dict.fromkeys(PAGES, 200)
    assert violations == []
