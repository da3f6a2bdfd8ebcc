"""Signing in with a work account in a real browser (Chromium), through a real OpenID Provider."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.oidc import ProviderBackend
from tests.accounts.test_sso import re_signed
from tests.services import screenshot

pytestmark = pytest.mark.browser
User = get_user_model()


def sign_in_with_work_account(page, login: str, next_url: str = "/") -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_role("link", name="Sign in with your work account").click()
    # At the provider.
    page.get_by_label("Work account").fill(login)
    page.get_by_role("button", name="Sign in to the organisation").click()
    page.wait_for_url(f"{page.base_url}/**")


def test_an_officer_signs_in_sees_their_own_record_and_signs_out_everywhere(page, browser_sso, org):
    browser_sso.person("omar", email="omar.officer@example.org")
    sign_in_with_work_account(page, "omar", "/me/")
    expect(page).to_have_url(f"{page.base_url}/me/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(org["O"].last_name)
    screenshot(page, "sso-officer")
    page.get_by_role("button", name="Sign out").click()
    # The provider asks to end its own session too, then sends the browser back to sign in.
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(f"{page.base_url}/accounts/login/")
    page.goto("/me/")
    expect(page).to_have_url(f"{page.base_url}/accounts/login/?next=/me/")


def test_a_manager_sees_their_reports_without_anyone_making_them_a_manager(page, browser_sso, org):
    browser_sso.person("mona", email="mona.manager@example.org")
    sign_in_with_work_account(page, "mona", "/overdue/")
    expect(page).to_have_url(f"{page.base_url}/overdue/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"/colleagues/{org['O'].employee_number}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(org["O"].last_name)
    page.goto(f"/colleagues/{org['H'].employee_number}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("not found", ignore_case=True)


def test_hr_with_the_providers_second_factor_goes_straight_in(page, browser_sso, org):
    browser_sso.person("hana", email="hana.hr@example.org", groups=["hr-staff"], amr=["pwd", "mfa"])
    sign_in_with_work_account(page, "hana", "/privacy/retention/")
    expect(page).to_have_url(f"{page.base_url}/privacy/retention/")


def test_hr_without_it_is_asked_for_the_local_code(page, browser_sso, org):
    browser_sso.person("hana", email="hana.hr@example.org", groups=["hr-staff"], amr=["pwd"])
    sign_in_with_work_account(page, "hana", "/privacy/retention/")
    expect(page).to_have_url(f"{page.base_url}/accounts/two-factor/?next=/privacy/retention/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("two-factor", ignore_case=True)


def test_someone_hr_has_not_added_is_told_to_ask_hr(page, browser_sso, org):
    browser_sso.person("newstarter", email="new.starter@example.org")
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in_with_work_account(page, "newstarter")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are not signed in")
    expect(page.get_by_role("alert")).to_have_text("We could not find you in the colleague records.")
    expect(page.get_by_text("Ask HR to add you")).to_be_visible()
    # Nothing overflows a phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "sso-ask-hr-390")
    assert not User.objects.filter(username__startswith="sso-").exists()


def test_a_leaver_is_refused(page, browser_sso, org):
    browser_sso.person("xavier", email="xavier.left@example.org")
    sign_in_with_work_account(page, "xavier")
    expect(page.get_by_role("alert")).to_contain_text("you have left")


def test_a_token_for_another_application_is_refused(page, browser_sso, org, monkeypatch):
    original = ProviderBackend.get_token
    forge = re_signed(browser_sso, aud="another-app")

    def get_token(self, payload):
        answer = original(self, payload)
        return {**answer, "id_token": forge(answer["id_token"])}

    monkeypatch.setattr(ProviderBackend, "get_token", get_token)
    browser_sso.person("omar", email="omar.officer@example.org")
    sign_in_with_work_account(page, "omar")
    expect(page.get_by_role("alert")).to_have_text(
        "The sign-in was made for another application, not this one."
    )
    page.goto("/me/")
    expect(page).to_have_url(f"{page.base_url}/accounts/login/?next=/me/")
