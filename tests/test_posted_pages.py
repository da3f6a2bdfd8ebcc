"""Pages drawn in answer to a POST, in Chromium at a phone's width and a desk's: they fit, and axe-core finds nothing.

tests/test_pages.py opens every page a GET reaches. Some pages are only ever
reached by a POST: the lists' action bar asks its next question on a page of
its own, and every form is drawn again with its errors when what was sent is
not right. Each role sends here

- every POST row of tests/test_access.py's table (the API's JSON rows and
  signing out aside), and
- POSTED below: for each pattern that shows a form, what a person could send
  wrongly (an empty form, a wrong code, an empty or unreadable file),

as the browser's own navigation: the page is routed (Playwright) so that the
browser's request for it goes out as a POST, with the form's body and the
CSRF token read from the site's cookie, as a form would send it. An answer
that is a page (HTML, not a redirect) is checked as the GET sweep checks its
pages: no sideways scroll of the page at 390 and 1366 px, no axe-core
violation at WCAG 2.1 A and AA, a screenshot in
test-artifacts/screens/<run>/<role>/posted-*.png. The page is posted once and
drawn at both widths (a second POST could find the first one's work done).

The roles each row names must get a page: a row whose answer became a
redirect, a download or JSON fails, so the table cannot claim a check that
is not made. `test_every_post_pattern_is_a_checked_page_or_says_why` fails
for a URL pattern whose view takes a POST and is neither checked here nor
named in POST_NOT_PAGES with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.test_access import ROLES, ROWS, of, url_patterns
from tests.test_pages import (  # noqa: F401 (fixtures)
    axe_source,
    browser_world,
    drawn_page_problems,
    resize,
    screens_dir,
    session_cookie,
    slug,
)

SIGNED_IN = ROLES[1:]
# Those who ask for extensions and training to be recorded (workspace.access.submits_requests).
SUBMITTERS = ("hr", "north", "south", "colleague")


@dataclass
class Posted:
    """One POST, sent by each role; `pages`: the roles whose answer must be a page to check."""

    name: str
    pages: tuple[str, ...]
    kwargs: dict | Callable = field(default_factory=dict)
    data: dict | Callable = field(default_factory=dict)
    # name: (file name, content, content type); a body with files is sent as multipart/form-data.
    files: dict | None = None
    label: str = ""


def _empty_file(name: str, content_type: str) -> dict:
    return {"file": (name, b"", content_type)}


# What a person could send wrongly to each form that tests/test_access.py's POST rows do not
# already send it (those are below, in posts()).
POSTED = [
    Posted("login", ROLES, label="empty"),
    Posted("password_reset", ROLES, data={"email": "not an address"}, label="not an address"),
    # A link that is not valid answers its POST as its GET: the page that says so.
    Posted(
        "password_reset_confirm",
        ROLES,
        kwargs={"uidb64": "MQ", "token": "not-a-token"},
        data={"new_password1": "x", "new_password2": "y"},
        label="invalid link",
    ),
    Posted("password_change", SIGNED_IN, label="empty"),
    Posted("accounts:two_factor", SIGNED_IN, data={"token": "12"}, label="short code"),
    Posted(
        "imports:upload-training",
        ("hr",),
        data={"encoding": "auto"},
        files=_empty_file("training.csv", "text/csv"),
        label="empty file",
    ),
    Posted(
        "imports:upload-colleagues",
        ("hr",),
        data={"encoding": "auto", "create_teams": "on"},
        files=_empty_file("colleagues.xlsx", "application/octet-stream"),
        label="empty file",
    ),
    Posted(
        "policies:review_step",
        ("hr", "policy"),
        kwargs={"slug": "hate-harassment", "step": "document"},
        data={"kind": "policy"},
        files={"file": ("policy.exe", b"MZ not a document", "application/octet-stream")},
        label="not a document",
    ),
    Posted(
        "policies:review_step",
        ("hr", "policy"),
        kwargs={"slug": "hate-harassment", "step": "publish"},
        label="publish, empty",
    ),
    Posted(
        "reviews:review_create",
        ("hr", "north"),
        kwargs=lambda w: {"colleague_pk": w.people["N2"].pk},
        data={"actions-TOTAL_FORMS": "1", "actions-INITIAL_FORMS": "0", "actions-0-action": "Book it"},
        label="empty, an action without its date",
    ),
    Posted(
        "workspace:completion",
        ("hr",),
        data=lambda w: {"colleague": "N1", "course": w.refresher.pk, "completed_on": "2026-05-20"},
        files={"certificate": ("certificate.txt", b"not a PDF", "text/plain")},
        label="not a certificate",
    ),
    Posted("workspace:request_new", SUBMITTERS, kwargs={"kind": "extension"}, label="extension, empty"),
    Posted("workspace:request_new", SUBMITTERS, kwargs={"kind": "exemption"}, label="exemption, empty"),
    Posted("workspace:request_new", ("hr",), kwargs={"kind": "equivalence"}, label="equivalence, empty"),
    # The action bar's second step without a session chosen; another team's colleague for South.
    Posted(
        "dashboard:act_book",
        ("hr", "north", "south"),
        data={"pick": ["N3|HATE-REFRESHER"], "next": "/overdue/"},
        label="no session",
    ),
    Posted(
        "dashboard:act",
        ("hr", "north", "south"),
        data={"pick": ["N3|HATE-REFRESHER"], "action": "shout", "next": "/overdue/"},
        label="unknown action",
    ),
    # A colleague id that no form of ours sends (a page altered by hand).
    Posted(
        "programme:session_book",
        ("hr", "north", "south"),
        kwargs=lambda w: {"pk": w.upcoming.pk},
        data={"colleague": "N2"},
        label="not an id",
    ),
]

# Patterns whose view takes a POST but never answers one with a page of its own, and why.
# A refusal they give (403, 404) is the site's refusal page, drawn by tests/test_pages.py.
POST_NOT_PAGES = {
    "logout": "signs out and redirects",
    "privacy:retention_run": "anonymises and redirects to the retention page",
    "programme:session_cancel": "cancels, or says why not, and redirects",
    "programme:booking_cancel": "cancels, or says why not, and redirects",
    "policies:feed_revoke": "switches the address off and redirects",
    "policies:reschedule": "redirects, with the outcome or the error as a message",
    "imports:confirm": "imports, or says why not, and redirects to the batch",
    "reminders:calendar_feed_stop": "switches the address off and redirects",
    "dashboard:summary_rebuild": "starts the work and redirects",
    "me:book": "books, or says why not, and redirects to /me/",
    "me:cancel": "cancels, or says why not, and redirects to /me/",
    "api-eligibility": "JSON API",
    "api-webhooks": "JSON API",
    "api/": "JSON 404 for any method",
}


def posts() -> list[Posted]:
    """The access table's POST rows that answer some role with a page, then POSTED.

    A row's roles whose answer is 200 or 400 must get a page; its other answers are
    checked too when they are pages (a refusal).
    """
    rows = [
        Posted(
            row.name,
            tuple(role for role, answer in row.answers.items() if answer in (200, 400)),
            kwargs=row.kwargs,
            data=row.data or {},
            label=row.label or "the access table's",
        )
        for row in ROWS
        if row.method == "post" and not row.json and not row.signs_out
    ]
    return rows + POSTED


# ---------------------------------------------------------------- which patterns take a POST


def pattern_views(resolver=None, prefix="", namespace=None):
    """(key, view) of every URL pattern outside /admin/, keyed as tests/test_access.py's url_patterns."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route == "admin/":
                continue
            inner = pattern.namespace and (
                f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            )
            yield from pattern_views(pattern, route, inner or namespace)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name or route, pattern.callback


def takes_post(view) -> bool:
    """Whether a POST reaches the view's own code, as its decorators and class say.

    Follows the decorators (functools.wraps leaves __wrapped__): require_POST,
    require_GET and require_http_methods keep their methods in the closure's
    `request_method_list`; a class-based view takes a POST when it has a `post`.
    A view that restricts nothing takes every method, POST too.
    """
    level = view
    while level is not None:
        cls = getattr(level, "view_class", None)
        if cls is not None:
            return "post" in cls.http_method_names and callable(getattr(cls, "post", None))
        code = getattr(level, "__code__", None)
        if code is not None and level.__closure__:
            cells = dict(zip(code.co_freevars, level.__closure__, strict=True))
            if "request_method_list" in cells and "POST" not in cells["request_method_list"].cell_contents:
                return False
        level = getattr(level, "__wrapped__", None)
    return True


def test_every_post_pattern_is_a_checked_page_or_says_why():
    views = list(pattern_views())
    assert {key for key, _ in views} == {key for key, _ in url_patterns()}
    taking = {key for key, view in views if takes_post(view)}
    refusing = {key for key, _ in views} - taking
    assert len(refusing) > 30  # the walk read the decorators: most pages only answer a GET
    checked = {p.name for p in posts() if p.pages}
    assert taking - checked - set(POST_NOT_PAGES) == set()
    assert (checked | set(POST_NOT_PAGES)) - taking == set()  # nothing kept for a pattern that takes no POST
    assert checked & set(POST_NOT_PAGES) == set()


# ---------------------------------------------------------------- the browser


# A form drawn again with its errors tells each field's error to a screen reader with the field
# (WCAG 1.3.1, 3.3.1): a field marked invalid (or its group's fieldset) is described by its error
# list, each field's error list describes a field, and no description points at nothing. axe-core
# leaves a description that points at nothing as "needs review", not a violation, so this is
# checked here. The lists of the form's own errors (`nonfield`) and of a set of forms (`nonform`)
# belong to no one field.
UNTOLD_ERRORS = r"""() => {
  const out = new Set(), described = new Set();
  const ids = el => (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  const name = el => el.name || el.id || el.tagName.toLowerCase();
  for (const el of document.querySelectorAll('[aria-describedby]')) {
    for (const id of ids(el)) {
      described.add(id);
      if (!document.getElementById(id)) out.add(`${name(el)} is described by #${id}, which is not on the page`);
    }
  }
  for (const el of document.querySelectorAll('[aria-invalid="true"]')) {
    const holder = el.closest('fieldset[aria-describedby]') || el;
    const errors = ids(holder).map(id => document.getElementById(id)).filter(e => e && e.matches('.errorlist'));
    if (!errors.length) out.add(`${name(el)} is marked invalid but no error list describes it`);
  }
  for (const list of document.querySelectorAll('.errorlist:not(.nonfield):not(.nonform)')) {
    if (!described.has(list.id)) out.add(`the error "${list.textContent.trim()}" describes no field`);
  }
  return [...out];
}"""


def body_of(posted: Posted, world, token: str) -> tuple[bytes, str]:
    """The body a browser would send for the form, with the CSRF token, and its content type."""
    fields = {**of(world, posted.data), "csrfmiddlewaretoken": token}
    if posted.files is None:
        return urlencode(fields, doseq=True).encode(), "application/x-www-form-urlencoded"
    uploads = {name: SimpleUploadedFile(*parts) for name, parts in posted.files.items()}
    return encode_multipart(BOUNDARY, {**fields, **uploads}), MULTIPART_CONTENT


def navigate_with_post(page, origin: str, path: str, body: bytes, content_type: str):
    """The browser's navigation to `path`, sent as a POST of `body` (as submitting a form sends it).

    Returns the answer, or None when it was a redirect (the page drawn is then another's).
    """
    url = origin + path
    sent = []

    def this_page(address: str) -> bool:
        return address == url

    def as_post(route):
        if sent or not route.request.is_navigation_request():
            route.continue_()  # after a redirect to the same address, as the browser asks
            return
        sent.append(route.request)
        headers = {**route.request.headers, "content-type": content_type, "origin": origin}
        route.continue_(method="POST", post_data=body, headers=headers)

    page.route(this_page, as_post)
    try:
        response = page.goto(url)
    finally:
        page.unroute(this_page, as_post)
    assert sent, f"{path}: the browser did not ask for the page"
    return None if response.request.redirected_from is not None else response


@pytest.mark.browser
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_post_draws_fits_a_phone_and_passes_axe(
    role,
    chromium,
    live_server,
    browser_world,  # noqa: F811 (the fixtures of tests/test_pages.py, imported above)
    axe_source,  # noqa: F811
    screens_dir,  # noqa: F811
):
    world = browser_world
    context = chromium.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    if role != "anonymous":
        context.add_cookies([session_cookie(world.users[role], live_server)])
    page = context.new_page()
    folder = screens_dir / role
    folder.mkdir(exist_ok=True)
    refusals_seen: set[int] = set()
    drawn, not_drawn, problems = [], [], []
    try:
        # Any page of ours with a form sets the CSRF cookie; a form sends the same token back.
        page.goto(reverse("password_reset"))
        token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
        for posted in posts():
            path = reverse(posted.name, kwargs=of(world, posted.kwargs))
            label = f"POST {path} [{posted.label}]"
            body, content_type = body_of(posted, world, token)
            page.set_viewport_size({"width": 390, "height": 844})
            response = navigate_with_post(page, live_server.url, path, body, content_type)
            is_page = (
                response is not None
                and response.headers.get("content-type", "").startswith("text/html")
                and response.body()
            )
            if not is_page:
                if role in posted.pages:
                    not_drawn.append(label)
                continue
            status = response.status
            if status in (403, 404) and role not in posted.pages:
                # The site's refusal pages: one check of each is enough.
                if status in refusals_seen:
                    continue
                refusals_seen.add(status)
            drawn.append(label)
            name = slug(f"posted-{posted.name}-{posted.label}-{status}")
            for width_name, (width, height) in {"phone": (390, 844), "desk": (1366, 900)}.items():
                if width != 390:
                    resize(page, width, height)
                found = drawn_page_problems(page, axe_source)
                if width == 390:
                    found += page.evaluate(UNTOLD_ERRORS)
                problems += [f"{label} at {width} px: {p}" for p in found]
                page.screenshot(path=str(folder / f"{name}-{width_name}.png"), full_page=True)
    finally:
        context.close()
    assert drawn, f"{role}: no POST drew a page"
    report = [f"{label}: expected a page, got a redirect or no HTML" for label in not_drawn] + problems
    if report:
        pytest.fail("\n".join(report), pytrace=False)
