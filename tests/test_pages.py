"""Every page each role reaches, in Chromium at a phone's width and a desk's: it fits, and axe-core finds nothing.

The pages are those of tests/test_access.py's table: each GET row is opened
by each role, and every answer that is a page (HTML, whatever its status:
the sign-in page, a 403 or 404 page too) is

- drawn at 390 px and at 1366 px wide, where the page itself must not scroll
  sideways (`scrollWidth <= innerWidth`: a wide table scrolls in its own box);
- checked with axe-core at WCAG 2.1 A and AA, at both widths (the menu is
  folded at 390 px, open at 1366 px), with no violation allowed;
- saved as a screenshot under test-artifacts/screens/<run>/<role>/, where
  <run> is $TEST_RUN_ID or the time the run started.

axe-core is the npm package pinned in tests/package.json (scripts/test.sh
installs it); the test reads it from tests/node_modules and evaluates it in
the page, so it comes from no CDN and the pages keep their strict CSP.

A URL pattern whose GET is not a page (a CSV, XLSX, iCalendar or JSON
answer, or a pattern that only takes POST) is named in NOT_PAGES with the
reason; `test_every_url_pattern_is_a_checked_page_or_says_why` fails for a
new pattern that is neither, so a new page cannot go without its axe check.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import resolve, reverse

from tests.organisation import NOW
from tests.services import ARTIFACTS
from tests.test_access import ROLES, ROWS, build_world, of, url_patterns

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"phone": (390, 844), "desk": (1366, 900)}

# Patterns whose GET answers no page of their own, and why. Each still has its rows in
# tests/test_access.py; a refusal they answer with (403, 404) is a page and is checked.
NOT_PAGES = {
    "logout": "POST only: signs out and redirects",
    "privacy:subject_access_json": "JSON download",
    "privacy:retention_run": "POST only: redirects to the retention page",
    "programme:session_cancel": "POST only: redirects",
    "programme:session_book": "POST only: redirects",
    "programme:booking_cancel": "POST only: redirects",
    "programme:booking_attendance": "POST only: redirects",
    "policies:feed": "iCalendar feed",
    "policies:feed_subscribe": "POST only: redirects",
    "policies:feed_revoke": "POST only: redirects",
    "policies:document": "the uploaded file (PDF)",
    "policies:reschedule": "POST only: redirects",
    "policies:review_step": "POST only: redirects",
    "api-eligibility": "JSON API",
    "api-eligibility-detail": "JSON API",
    "api-policies": "JSON API",
    "api-webhooks": "JSON API",
    "api-webhook-detail": "JSON API",
    "api-schema": "OpenAPI schema (YAML)",
    "api/": "JSON API",
    "imports:progress": "JSON for the progress bar",
    "imports:confirm": "POST only: redirects",
    "reminders:team_calendar": "iCalendar feed",
    "reminders:calendar_feed_new": "POST only: redirects",
    "reminders:calendar_feed_stop": "POST only: redirects",
    "dashboard:overdue_csv": "CSV download",
    "dashboard:overdue_xlsx": "XLSX download",
    "dashboard:kpi_export": "XLSX download",
    "dashboard:summary_rebuild": "POST only: redirects",
    "workspace:request_decide": "POST only: records the decision and redirects",
    "dashboard:act_book": "POST only: books and redirects",
    "me:book": "POST only: books a place and redirects",
    "me:cancel": "POST only: cancels a booking and redirects",
}


def test_every_url_pattern_is_a_checked_page_or_says_why():
    """A pattern is swept (it has a GET row in test_access's table) or NOT_PAGES says why it is not a page."""
    patterns = {name for name, _ in url_patterns()}
    with_get_row = {row.name for row in ROWS if row.method == "get"}
    unexplained = patterns - with_get_row - set(NOT_PAGES)
    assert unexplained == set()
    assert set(NOT_PAGES) <= patterns  # no reason kept for a pattern that has gone


@pytest.fixture(scope="session")
def screens_dir() -> Path:
    run = os.environ.get("TEST_RUN_ID") or dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = ARTIFACTS / "screens" / run
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def axe_source() -> str:
    assert AXE.exists(), f"{AXE} is missing: npm ci --prefix tests (scripts/test.sh does it)"
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def browser_world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_BROKER_URL = ""
    with time_machine.travel(NOW, tick=False):
        call_command("loaddata", "reference", verbosity=0)
        yield build_world()


def session_cookie(user, live_server) -> dict:
    """A signed-in session for `user` (past the second factor, as tests/conftest.py's force_login)."""
    client = Client()
    client.force_login(user)
    morsel = client.cookies["sessionid"]
    return {"name": "sessionid", "value": morsel.value, "url": live_server.url}


def pattern_name(url: str) -> str:
    match = resolve(re.sub(r"^https?://[^/]+", "", url).split("?")[0])
    return match.view_name if match.url_name else match.route


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "home"


# The outermost elements that stick out past the window's right edge (not those clipped by a box
# that scrolls), to name in a failure.
STICKING_OUT = """() => {
  const edge = window.innerWidth, out = [];
  const clipped = el => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible' && a !== document.documentElement && a !== document.body) return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (el.getBoundingClientRect().right <= edge + 0.5 || clipped(el)) continue;
    if (out.some(o => o.contains(el))) continue;
    out.push(el);
  }
  return out.slice(0, 3).map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '')
    + ' ' + Math.round(el.getBoundingClientRect().right) + ' px');
}"""


# static/js/menu.js marks a table box that scrolls sideways 150 ms after a resize: true once
# every box is marked as it now is (at once on a page with none, or where nothing changed).
SCROLL_BOXES_MARKED = """() => [...document.querySelectorAll('.scroll')].every(
  box => (box.scrollWidth > box.clientWidth + 1) === (box.getAttribute('role') === 'region'))"""


def resize(page, width: int, height: int) -> None:
    """Resize the window and wait for the page's script to catch up (not a fixed sleep)."""
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function(SCROLL_BOXES_MARKED, timeout=5_000)


def open_every_operation(page) -> None:
    """Swagger UI draws the operations once the schema loads; open each, as a reader would."""
    page.wait_for_selector(".swagger-ui .opblock")
    summaries = page.locator(".opblock-summary-control")
    for i in range(summaries.count()):
        summaries.nth(i).click()
    page.wait_for_function(
        "n => document.querySelectorAll('.opblock-body').length === n", arg=summaries.count()
    )


def axe_violations(page, axe_source: str) -> list[str]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in result["violations"]
    ]


def drawn_page_problems(page, axe_source: str) -> list[str]:
    """What is wrong with the page as drawn: it scrolls sideways (naming what sticks out), axe's violations."""
    problems = []
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > inner_width:
        sticking_out = ", ".join(page.evaluate(STICKING_OUT))
        problems.append(f"{scroll_width} px wide in {inner_width} px ({sticking_out})")
    return problems + axe_violations(page, axe_source)


@pytest.mark.browser
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone_and_passes_axe(
    role, chromium, live_server, browser_world, axe_source, screens_dir
):
    world = browser_world
    context = chromium.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    if role != "anonymous":
        context.add_cookies([session_cookie(world.users[role], live_server)])
    page = context.new_page()
    seen: set[tuple] = set()
    checked: Counter = Counter()
    problems: dict[str, list[str]] = {}
    try:
        for row in ROWS:
            if row.method != "get" or row.signs_out:
                continue
            path = row.path or reverse(row.name, kwargs=of(world, row.kwargs))
            query = of(world, row.query)
            if query:
                path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
            # Ask first without drawing: a download or a feed is not a page (and would not load as one).
            answer = context.request.get(path)
            if not answer.headers.get("content-type", "").startswith("text/html") or not answer.body():
                continue  # a 405 has no body: nothing to read
            # Refusals share a template: one check per status; pages one per pattern and status.
            where = pattern_name(answer.url) if answer.status < 400 else ""
            key = (where, answer.status)
            checked[row.name] += 1
            if key in seen:
                continue
            seen.add(key)
            name = slug(f"{where or 'refused'}-{answer.status}")
            for width_name, (width, height) in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": height})
                page.goto(path)
                page.wait_for_load_state("load")
                if where == "api-docs":
                    open_every_operation(page)
                label = f"{path} ({name}) at {width} px"
                found = drawn_page_problems(page, axe_source)
                if found:
                    problems[label] = found
                folder = screens_dir / role
                folder.mkdir(exist_ok=True)
                page.screenshot(path=str(folder / f"{name}-{width_name}.png"), full_page=True)
    finally:
        context.close()
    assert checked, f"{role} reached no page"
    report = [f"{label}: {problem}" for label, found in problems.items() for problem in found]
    if report:
        pytest.fail("\n".join(report), pytrace=False)


@pytest.fixture
def hr_page(chromium, live_server, browser_world):
    context = chromium.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.add_cookies([session_cookie(browser_world.users["hr"], live_server)])
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.browser
def test_the_menu_folds_behind_a_button_on_a_phone(hr_page):
    page = hr_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    menu = page.get_by_role("button", name="Menu")
    sessions = page.get_by_role("link", name="Training sessions")
    assert menu.get_attribute("aria-expanded") == "false"
    assert menu.get_attribute("aria-controls") == "site-menu"
    assert not sessions.is_visible()

    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert sessions.is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not sessions.is_visible()

    # Keyboard alone: Tab reaches the button (after the skip link and the brand), Enter opens it.
    menu.focus()
    page.keyboard.press("Enter")
    assert sessions.is_visible()

    # On a desk the links are all there and the button is not.
    page.set_viewport_size({"width": 1366, "height": 900})
    assert not menu.is_visible()
    assert sessions.is_visible()
    nav_height = page.locator(".site-header").bounding_box()["height"]
    assert nav_height < 120  # brand and sign-out, then HR's ten links on two lines (was 170 px)


@pytest.mark.browser
def test_without_scripts_the_menu_stays_open(chromium, live_server, browser_world):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    context.add_cookies([session_cookie(browser_world.users["hr"], live_server)])
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    assert not page.locator(".menu-toggle").is_visible()
    assert page.get_by_role("link", name="Training sessions").is_visible()
    context.close()


@pytest.mark.browser
def test_a_message_after_an_action_passes_axe(hr_page, axe_source):
    """The messages shown after a form (base.html) are a status region holding a list."""
    page = hr_page
    page.goto("/reminders/calendar/")
    page.get_by_role("button", name="Get my calendar address").click()
    page.wait_for_load_state("load")
    status = page.get_by_role("status")
    assert "calendar" in status.inner_text().lower()
    assert status.evaluate("el => el.tagName") == "DIV"
    assert axe_violations(page, axe_source) == []


@pytest.mark.browser
def test_a_wide_table_scrolls_in_its_box_with_the_name_fixed(hr_page):
    page = hr_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/matrix/")
    box = page.locator(".scroll").first
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    # Reachable by keyboard and named, while it overflows (static/js/menu.js).
    assert box.get_attribute("tabindex") == "0"
    assert (
        box.get_attribute("aria-label")
        == "Each colleague's status for each requirement on 1 Jun 2026 (scrolls sideways)"
    )
    name = page.locator("table.matrix tbody tr").first.locator(":scope > :first-child")
    before = name.bounding_box()["x"]
    box.evaluate("el => { el.scrollLeft = 300; }")
    assert name.bounding_box()["x"] == before
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # On a desk the table fits: no needless stop in the tab order.
    resize(page, 1366, 900)
    assert box.get_attribute("tabindex") is None
