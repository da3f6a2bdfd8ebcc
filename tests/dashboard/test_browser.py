"""A manager's Monday morning in a real browser (headless Chromium), with screenshots of each page."""

import pytest

from dashboard.access import scope_for
from dashboard.selectors.dashboard import dashboard_trend
from dashboard.services import snapshot_backfill, summary_rebuild
from tests.organisation import PASSWORD, TODAY, build_org
from tests.services import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def organisation(transactional_db, today):
    from django.core.management import call_command

    call_command("loaddata", "reference", verbosity=0)
    org = build_org()
    snapshot_backfill(until=TODAY, months=24)
    summary_rebuild(day=TODAY)
    return org


def test_a_manager_checks_their_team(page, organisation):
    page.goto("/")
    page.get_by_label("Username").fill("north")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{page.base_url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your teams"
    assert page.locator(".card-overdue .figure").inner_text() == "1"
    for chart in ("monthly-met", "monthly-overdue", "quarterly-met", "quarterly-overdue"):
        assert page.locator(f"#trend-{chart}").is_visible()
    # The axis is the one fitted to the figures on the server (the PDF pack draws on it too), not 0-100%.
    fitted = dashboard_trend(scope_for(organisation.users["north"]), TODAY).met_axis
    drawn = page.evaluate(
        "(() => { const y = Chart.getChart('trend-monthly-met').scales.y; return [y.min, y.max]; })()"
    )
    assert drawn == [fitted.low, fitted.high]
    assert (fitted.low, fitted.high) != (0, 100)
    screenshot(page, "dashboard-manager")

    page.get_by_role("link", name="Overdue & due soon").click()
    page.get_by_label("Status").select_option("overdue")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/overdue/?*status=overdue*")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 1
    assert "Amira Ahmed" in rows.first.inner_text()
    screenshot(page, "overdue-filtered")

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    exported = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert exported == [
        "employee_number,name,team,role,requirement,status,due_date,valid_until",
        "N1,Amira Ahmed,North,NHO,HATE-REFRESHER,overdue,2026-03-01,",
    ]

    page.get_by_role("link", name="Amira Ahmed").click()
    page.wait_for_url("**/colleagues/N1/")
    assert page.get_by_role("heading", level=1).inner_text() == "Amira Ahmed N1"
    assert "Hate crime refresher every two years (HATE-REFRESHER): overdue (due 1 Mar 2026)" in page.content()
    screenshot(page, "colleague-page")

    refused = page.goto("/colleagues/S1/")
    assert refused.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Not found"
    screenshot(page, "another-teams-colleague-refused")
