"""Every URL of the app answers each role as it should: one table over all URL patterns.

The table has a row (or several) for every named URL pattern outside /admin/,
found by walking the project's resolver, so a new page without a row fails
`test_every_url_pattern_has_a_row`, and a page without a scope check fails
`test_each_role_gets_the_right_answer` once its row says who may open it.

The roles are those of core.access: anonymous, HR, the manager of North (their
own colleagues), the manager of South (someone else's colleagues), the auditor
(reads everything, writes nothing), the policy owner (holds the post that owns
the Hate Harassment Policy) and a plain colleague (N1, their own record only).

Beyond the status of each answer, the test checks two things on every row:

- a refused request (sent to sign in, 400, 401, 403, 404, 405) writes nothing
  to the database, whatever its method (PostgreSQL's per-transaction counters
  of inserted, updated and deleted rows, so no table is forgotten);
- a page that answers (2xx) shows nobody outside the role's scope: no last
  name or employee number of a colleague that people.access.colleagues_for does
  not give the role (the managers of those it gives are shown, as on a
  colleague's own page), in HTML, JSON, CSV, XLSX or iCalendar alike.

/admin/ is Django's own: `test_admin_refuses_everyone_but_verified_staff`
checks every registered model's list once for each kind of user.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django_otp import DEVICE_ID_SESSION_KEY

from compliance.enums import WaiverKind
from compliance.models import Requirement
from core.access import AccessGroup, user_groups
from core.models import CalendarFeedKind, calendar_feed_issue, calendar_feed_revoke
from dashboard.services import summary_rebuild
from imports.models import ImportBatch, ImportKind, ImportSource, ImportStatus
from people.access import colleagues_for
from people.models import Colleague
from policies import services as policy_services
from policies.enums import DocumentKind, ReviewTrigger
from policies.models import Policy, Post
from programme.models import Booking, Session
from reviews.services import colleague_review_record
from tests.factories import ColleagueFactory, TeamFactory, UserFactory
from tests.oidc.fixtures import sso_sign_in
from tests.organisation import NOW, TODAY, D, build_org, user_in
from tests.policies.helpers import pdf
from tests.workspace.files import pdf as certificate_pdf
from training.models import Course
from workspace import services as workspace_services

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "hr", "north", "south", "auditor", "policy", "colleague")
LOGIN = "login"  # a redirect to the sign-in page, for anonymous users mostly
LONDON = ZoneInfo("Europe/London")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Answers that refuse the request or reject its body, and so must write nothing.
REFUSED = {LOGIN, 400, 401, 403, 404, 405}
# Written by any request that stores a message for the next page: the session, not the data.
BOOKKEEPING = {"django_session"}


def answers(default, **given) -> dict:
    """Each role's answer: `default` unless named; anonymous users are sent to sign in unless named."""
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], default), **given}


SIGNED_IN = answers(200)
OPEN = answers(200, anonymous=200)
HR_ONLY = answers(403, hr=200)
# The dashboard's figures, lists and matrix: HR, managers and the auditor, each over their own scope.
FIGURES = answers(403, hr=200, north=200, south=200, auditor=200)
# The policy register: HR, the auditor and policy owners (it names posts, not colleagues).
REGISTER = answers(403, hr=200, auditor=200, policy=200)
# Calendar apps cannot sign in: the secret in the address is the credential, whoever asks.
FEED_OPEN = answers(200, anonymous=200)
NOT_FOUND = answers(404, anonymous=404)
# One colleague's record: HR, the auditor, their manager and themselves; 404 for anyone else.
NORTH_OFFICER = answers(404, hr=200, north=200, auditor=200, colleague=200)
SOUTH_OFFICER = answers(404, hr=200, south=200, auditor=200)
API_SIGNED_IN = answers(200, anonymous=401)
# /me/: whoever has a colleague record (the managers N0 and S0, the colleague N1).
OWN_RECORD = answers(403, north=200, south=200, colleague=200)


@dataclass
class Row:
    """One request, made by each role in turn.

    `name` is the URL pattern's name (`namespace:name`), or the route of a
    pattern without one. `kwargs`, `query` and `data` may be callables of the
    world (the objects set up for the test). `seen_as` judges the answer's
    content by another user's scope (a calendar feed shows its owner's).
    `echoed`: employee numbers the request itself names, which its answer may
    repeat. `may_write`: tables a refused request may still touch. `json`
    sends `data` as a JSON body (the API); `path` addresses a pattern that has
    no name; `signs_out`: the row ends each role's session (they sign in again).
    """

    name: str
    answers: dict
    kwargs: dict | Callable = field(default_factory=dict)
    method: str = "get"
    query: dict | Callable | None = None
    data: dict | Callable | None = None
    json: bool = False
    label: str = ""
    path: str = ""
    seen_as: Callable | None = None
    echoed: tuple = ()
    may_write: frozenset = frozenset()
    signs_out: bool = False


def of(world, value):
    return value(world) if callable(value) else value


ROWS = [
    # ---------------------------------------------------------------- health: no data, open to all
    Row("healthz", OPEN),
    Row("readyz", OPEN),
    # ---------------------------------------------------------------- signing in
    # Everyone may set up or pass their own second factor; setting it up writes their device.
    Row("accounts:two_factor", SIGNED_IN),
    Row("login", OPEN),
    Row("logout", answers(405, anonymous=405)),
    # Signing out is recorded (django-axes' access log), and sends everyone to sign in.
    Row("logout", answers(LOGIN), method="post", signs_out=True, may_write=frozenset({"axes_accesslog"})),
    # Single sign-on is not set up in this table's first pass: a page saying so, to anyone.
    Row("accounts:sso_start", answers(403, anonymous=403)),
    # The provider's way back, without its answer: a refusal page.
    Row("accounts:sso_callback", answers(403, anonymous=403)),
    Row("password_change", SIGNED_IN),
    Row("password_change_done", SIGNED_IN),
    Row("password_reset", OPEN),
    Row("password_reset_done", OPEN),
    # A link that is not valid says so, to anyone.
    Row("password_reset_confirm", OPEN, kwargs={"uidb64": "MQ", "token": "not-a-token"}),
    Row("password_reset_complete", OPEN),
    # ---------------------------------------------------------------- privacy: HR's duties
    Row("privacy:subject_access", HR_ONLY, kwargs={"employee_number": "N1"}),
    Row("privacy:subject_access", HR_ONLY, kwargs={"employee_number": "S1"}),
    Row("privacy:subject_access", answers(403, hr=404), kwargs={"employee_number": "NOBODY"}),
    Row("privacy:subject_access_json", HR_ONLY, kwargs={"employee_number": "S1"}),
    Row("privacy:retention", HR_ONLY),
    Row("privacy:retention_run", answers(403, hr=302), method="post"),
    # ---------------------------------------------------------------- the training programme
    # Everyone sees what sessions there are; each sees only the bookings of their own colleagues.
    Row("programme:session_list", SIGNED_IN),
    Row("programme:session_detail", SIGNED_IN, kwargs=lambda w: {"pk": w.upcoming.pk}),
    Row("programme:session_detail", answers(404), kwargs={"pk": 999999}, label="unknown"),
    Row("programme:session_plan", HR_ONLY),
    Row("programme:session_plan", HR_ONLY, method="post", data={}, label="invalid"),
    # Only those who see everyone see the programme's coverage of the whole organisation.
    Row("programme:coverage", answers(403, hr=200, auditor=200)),
    Row("programme:session_edit", HR_ONLY, kwargs=lambda w: {"pk": w.upcoming.pk}),
    Row(
        "programme:session_edit",
        HR_ONLY,
        kwargs=lambda w: {"pk": w.upcoming.pk},
        method="post",
        data={},
        label="invalid",
    ),
    Row(
        "programme:session_cancel",
        answers(403, hr=302),
        kwargs=lambda w: {"pk": w.to_cancel.pk},
        method="post",
    ),
    # Managers book their own colleagues; another team's is a 404 whatever the form says.
    Row(
        "programme:session_book",
        answers(403, hr=302, north=302, south=404),
        kwargs=lambda w: {"pk": w.upcoming.pk},
        method="post",
        data=lambda w: {"colleague": w.people["N2"].pk},
        label="N2",
    ),
    Row(
        "programme:session_book",
        answers(403, hr=302, north=404, south=302),
        kwargs=lambda w: {"pk": w.upcoming.pk},
        method="post",
        data=lambda w: {"colleague": w.people["S2"].pk},
        label="S2",
    ),
    Row(
        "programme:booking_cancel",
        answers(403, hr=302, north=302, south=404),
        kwargs=lambda w: {"pk": w.booking["N1"].pk},
        method="post",
        label="N1",
    ),
    Row(
        "programme:booking_cancel",
        answers(403, hr=302, north=404, south=302),
        kwargs=lambda w: {"pk": w.booking["S1"].pk},
        method="post",
        label="S1",
    ),
    # Only HR keeps the register; a mark that is not one is a 400 once access is granted.
    Row(
        "programme:booking_attendance",
        answers(403, hr=400),
        kwargs=lambda w: {"pk": w.booking["past N2"].pk},
        method="post",
        data={"outcome": "maybe"},
    ),
    # ---------------------------------------------------------------- colleague reviews
    Row("reviews:review_list", FIGURES),
    Row(
        "reviews:review_create",
        answers(403, hr=200, north=200, south=404),
        kwargs=lambda w: {"colleague_pk": w.people["N2"].pk},
        label="N2",
    ),
    # Nobody reviews themselves.
    Row(
        "reviews:review_create",
        answers(403, hr=200, north=404, south=404),
        kwargs=lambda w: {"colleague_pk": w.people["N0"].pk},
        label="N0",
    ),
    Row(
        "reviews:review_create",
        answers(403, hr=200, north=404, south=200),
        kwargs=lambda w: {"colleague_pk": w.people["S2"].pk},
        method="post",
        data={},
        label="S2 invalid",
    ),
    Row("reviews:review_detail", NORTH_OFFICER, kwargs=lambda w: {"pk": w.review["N1"].pk}, label="N1"),
    Row("reviews:review_detail", SOUTH_OFFICER, kwargs=lambda w: {"pk": w.review["S1"].pk}, label="S1"),
    # ---------------------------------------------------------------- the policy register
    Row("policies:register", REGISTER),
    Row("policies:mine", REGISTER),
    Row("policies:calendar", REGISTER),
    # The feeds are read before the rows below issue their owners new addresses.
    Row("policies:feed", FEED_OPEN, kwargs=lambda w: {"token": w.feeds["policies live"]}, label="live"),
    Row("policies:feed", NOT_FOUND, kwargs=lambda w: {"token": w.feeds["policies revoked"]}, label="revoked"),
    Row("policies:feed", NOT_FOUND, kwargs={"token": "no-such-address"}, label="unknown"),
    # A manager's address for the register they cannot see: no feed (reading it notes the fetch).
    Row(
        "policies:feed",
        NOT_FOUND,
        kwargs=lambda w: {"token": w.feeds["policies manager"]},
        label="manager's",
        may_write=frozenset({"core_calendarfeed"}),
    ),
    Row("policies:feed_subscribe", answers(403, hr=200, auditor=200, policy=200), method="post"),
    Row("policies:feed_revoke", answers(403, hr=302, auditor=302, policy=302), method="post"),
    Row("policies:document", REGISTER, kwargs=lambda w: {"pk": w.document.pk}),
    Row(
        "policies:document",
        answers(403, hr=404, auditor=404, policy=404),
        kwargs={"pk": 999999},
        label="unknown",
    ),
    Row("policies:detail", REGISTER, kwargs={"slug": "hate-harassment"}),
    Row(
        "policies:detail",
        answers(403, hr=404, auditor=404, policy=404),
        kwargs={"slug": "nothing"},
        label="unknown",
    ),
    # HR runs every review; the policy owner those of the policies whose post they hold.
    Row(
        "policies:reschedule",
        answers(403, hr=302, policy=302),
        kwargs={"slug": "hate-harassment"},
        method="post",
        data={},
        label="own, empty: the computed date",
    ),
    Row(
        "policies:reschedule",
        answers(403, hr=302),
        kwargs={"slug": "tenancy"},
        method="post",
        data={},
        label="another's, empty",
    ),
    # A review in progress: starting one goes to it.
    Row("policies:review_start", answers(403, hr=302, policy=302), kwargs={"slug": "hate-harassment"}),
    Row("policies:review_start", answers(403, hr=200), kwargs={"slug": "tenancy"}),
    Row(
        "policies:review_start",
        answers(403, hr=400),
        kwargs={"slug": "tenancy"},
        method="post",
        data={"started_on": "never"},
        label="invalid",
    ),
    Row("policies:review", answers(403, hr=200, policy=200), kwargs={"slug": "hate-harassment"}),
    Row("policies:review", answers(403, hr=404), kwargs={"slug": "tenancy"}, label="none open"),
    Row(
        "policies:review_step",
        answers(403, hr=400, policy=400),
        kwargs={"slug": "hate-harassment", "step": "meetings"},
        method="post",
        data={"eia_meeting_on": "never"},
        label="invalid",
    ),
    Row(
        "policies:review_step",
        answers(404),
        kwargs={"slug": "hate-harassment", "step": "no-such-step"},
        method="post",
        label="unknown step",
    ),
    Row("policies:version", REGISTER, kwargs={"slug": "hate-harassment", "version": "2"}),
    Row(
        "policies:version",
        answers(403, hr=400, policy=400),
        kwargs={"slug": "hate-harassment", "version": "2"},
        method="post",
        data={},
        label="invalid",
    ),
    # ---------------------------------------------------------------- the API, a person with a session
    # Each person is told about the colleagues their role shows; no credential is a 401.
    Row("api-eligibility", API_SIGNED_IN, query={"case_type": "hate_crime"}),
    Row(
        "api-eligibility",
        API_SIGNED_IN,
        method="post",
        data={"case_type": "hate_crime", "employee_numbers": ["N1", "S1"]},
        json=True,
        echoed=("N1", "S1"),  # one answer per number asked: `unknown_employee` for those out of scope
    ),
    Row(
        "api-eligibility-detail",
        {**NORTH_OFFICER, "anonymous": 401},
        kwargs={"employee_number": "N1"},
        query={"case_type": "hate_crime"},
    ),
    Row(
        "api-eligibility-detail",
        {**SOUTH_OFFICER, "anonymous": 401},
        kwargs={"employee_number": "S1"},
        query={"case_type": "hate_crime"},
    ),
    # The register names posts, not people: every signed-in person may read it (docs/rules.md §6).
    Row("api-policies", API_SIGNED_IN),
    # Webhooks belong to machine clients: people are refused.
    Row("api-webhooks", answers(403, anonymous=401)),
    Row(
        "api-webhooks",
        answers(403, anonymous=401),
        method="post",
        data={"url": "https://example.org/hook", "case_type": "hate_crime"},
        json=True,
    ),
    Row("api-webhook-detail", answers(403, anonymous=401), kwargs={"pk": 1}, method="delete"),
    Row("api-schema", OPEN),
    Row("api-docs", OPEN),
    Row("api/", NOT_FOUND, path="/api/v1/nothing-here/"),
    # ---------------------------------------------------------------- imports: HR's; anyone sees their own
    Row("imports:list", SIGNED_IN),
    Row("imports:upload-training", HR_ONLY),
    Row("imports:upload-training", HR_ONLY, method="post", data={}, label="invalid"),
    Row("imports:upload-colleagues", HR_ONLY),
    Row("imports:upload-colleagues", HR_ONLY, method="post", data={}, label="invalid"),
    Row("imports:batch", answers(404, hr=200), kwargs=lambda w: {"pk": w.batch["hr"].pk}, label="HR's"),
    Row(
        "imports:batch",
        answers(404, hr=200, north=200),
        kwargs=lambda w: {"pk": w.batch["north"].pk},
        label="north's",
    ),
    Row("imports:progress", answers(404, hr=200), kwargs=lambda w: {"pk": w.batch["hr"].pk}),
    # A preview that cannot be imported: HR is told so on the batch's page.
    Row("imports:confirm", answers(403, hr=302), kwargs=lambda w: {"pk": w.batch["hr"].pk}, method="post"),
    # ---------------------------------------------------------------- reminders: the due-dates calendar
    # The feed shows its owner's colleagues to whoever holds the address; read before the rows below
    # give everyone a new address.
    Row(
        "reminders:team_calendar",
        FEED_OPEN,
        kwargs=lambda w: {"token": w.feeds["team live"]},
        label="live",
        seen_as=lambda w: w.users["north"],
    ),
    Row(
        "reminders:team_calendar",
        NOT_FOUND,
        kwargs=lambda w: {"token": w.feeds["team revoked"]},
        label="revoked",
    ),
    Row("reminders:team_calendar", NOT_FOUND, kwargs={"token": "no-such-address"}, label="unknown"),
    # An address whose owner's account is switched off answers nothing (reading it notes the fetch).
    Row(
        "reminders:team_calendar",
        NOT_FOUND,
        kwargs=lambda w: {"token": w.feeds["team inactive"]},
        label="inactive owner",
        may_write=frozenset({"core_calendarfeed"}),
    ),
    # Everyone may have their own address: its events are whatever colleagues_for lets them see.
    Row("reminders:calendar_feed", SIGNED_IN),
    Row("reminders:calendar_feed_new", answers(405), label="get"),
    Row("reminders:calendar_feed_new", answers(200), method="post"),  # shows the new address once
    Row("reminders:calendar_feed_stop", answers(302), method="post"),
    # ---------------------------------------------------------------- HR workspace and requests
    Row("workspace:home", HR_ONLY),
    Row("workspace:completion", HR_ONLY),
    Row("workspace:completion", answers(403, hr=400), method="post", data={}, label="invalid"),
    Row("workspace:session_completion", HR_ONLY, kwargs=lambda w: {"pk": w.upcoming.pk}),
    Row(
        "workspace:session_completion",
        answers(403, hr=400),
        kwargs=lambda w: {"pk": w.upcoming.pk},
        method="post",
        data={},
        label="invalid",
    ),
    # Whoever asks for colleagues previews for their own scope: another team's colleague gives no lines.
    Row(
        "workspace:preview",
        answers(403, hr=200, north=200, south=200, colleague=200),
        query=lambda w: {
            "kind": "completion",
            "colleague": "N1",
            "course": w.refresher.pk,
            "completed_on": "2026-05-20",
        },
    ),
    # An equivalence changes standing across the organisation: HR only.
    Row(
        "workspace:preview",
        answers(403, hr=200, north=403, south=403, colleague=403),
        query=lambda w: {"kind": "equivalence", "course": w.refresher.pk, "satisfies": w.btec2.pk},
        label="equivalence",
    ),
    Row("workspace:request_list", SIGNED_IN),
    Row(
        "workspace:request_new",
        answers(403, hr=200, north=200, south=200, colleague=200),
        kwargs={"kind": "extension"},
    ),
    Row(
        "workspace:request_new",
        answers(403, hr=400, north=400, south=400, colleague=400),
        kwargs={"kind": "training"},
        method="post",
        data={},
        label="invalid",
    ),
    Row("workspace:request_new", HR_ONLY, kwargs={"kind": "equivalence"}, label="equivalence"),
    Row("workspace:request_new", answers(404), kwargs={"kind": "nothing"}, label="unknown kind"),
    Row("workspace:request_detail", NORTH_OFFICER, kwargs=lambda w: {"pk": w.requests["N1"].pk}, label="N1"),
    Row("workspace:request_detail", SOUTH_OFFICER, kwargs=lambda w: {"pk": w.requests["S1"].pk}, label="S1"),
    Row(
        "workspace:request_decide",
        answers(403, hr=400),
        kwargs=lambda w: {"pk": w.requests["S1"].pk},
        method="post",
        data={"decision": "maybe"},
        label="invalid",
    ),
    # HR decides someone else's request; nobody else decides at all.
    Row(
        "workspace:request_decide",
        answers(403, hr=302),
        kwargs=lambda w: {"pk": w.requests["N1"].pk},
        method="post",
        data={"decision": "approve", "comment": "Agreed."},
        label="approve",
    ),
    # A certificate: whoever may open the colleague's page (each download is logged).
    Row(
        "workspace:evidence_download", NORTH_OFFICER, kwargs=lambda w: {"pk": w.evidence["N1"].pk}, label="N1"
    ),
    Row(
        "workspace:evidence_download", SOUTH_OFFICER, kwargs=lambda w: {"pk": w.evidence["S1"].pk}, label="S1"
    ),
    Row("workspace:evidence_download", answers(404), kwargs={"pk": 999999}, label="unknown"),
    # ---------------------------------------------------------------- /me/: a colleague's own page
    # Whoever has a colleague record, for that record only; an account without one is told so (403).
    Row("me:home", OWN_RECORD),
    # Booking oneself: done or refused with a message, back to /me/ either way (N1 holds a place already).
    Row(
        "me:book",
        answers(403, north=302, south=302, colleague=302),
        kwargs=lambda w: {"pk": w.upcoming.pk},
        method="post",
    ),
    Row(
        "me:book",
        answers(403, north=404, south=404, colleague=404),
        kwargs={"pk": 999999},
        method="post",
        label="unknown",
    ),
    # Only one's own booking: another's is a 404 whatever the address says.
    Row(
        "me:cancel",
        answers(403, north=404, south=404, colleague=302),
        kwargs=lambda w: {"pk": w.booking["N1"].pk},
        method="post",
        label="N1's",
    ),
    Row(
        "me:cancel",
        answers(403, north=404, south=404, colleague=404),
        kwargs=lambda w: {"pk": w.booking["S1"].pk},
        method="post",
        label="S1's",
    ),
    # One's own subject access export (logged in the export log, as HR's is).
    Row("me:record", OWN_RECORD),
    Row("me:record_json", OWN_RECORD),
    # ---------------------------------------------------------------- the dashboard
    # Those who see no figures are sent to the page that is theirs (own record, or the KPI report).
    Row("dashboard:home", {**FIGURES, "policy": 302, "colleague": 302}),
    Row("dashboard:overdue", FIGURES),
    Row("dashboard:overdue_csv", FIGURES),
    Row("dashboard:overdue_xlsx", FIGURES),
    Row("dashboard:matrix", FIGURES),
    # The officers behind an eligibility figure; another manager's team is refused (400) as on the dashboard.
    Row("dashboard:officers", FIGURES, query={"case_type": "hate_crime", "show": "eligible"}),
    Row(
        "dashboard:officers",
        answers(403, hr=200, north=200, south=400, auditor=200),
        query=lambda w: {"case_type": "hate_crime", "show": "supervised", "team": w.org.north.pk},
        label="North",
    ),
    Row("dashboard:colleague", NORTH_OFFICER, kwargs={"employee_number": "N1"}),
    Row("dashboard:colleague", SOUTH_OFFICER, kwargs={"employee_number": "S1"}),
    # Unknown numbers look exactly like another team's colleague.
    Row("dashboard:colleague", answers(404), kwargs={"employee_number": "NOBODY"}),
    # The KPI report names nobody: the policy owner presents it for the whole organisation.
    Row("dashboard:kpi", {**FIGURES, "policy": 200}),
    Row("dashboard:kpi_export", {**FIGURES, "policy": 200}),
    Row("dashboard:kpi_pack", {**FIGURES, "policy": 200}),
    # The people behind the KPI page's refresher figures are named: not for the policy owner.
    Row(
        "dashboard:kpi_refreshers",
        FIGURES,
        query={"quarter": "2026-Q1", "requirement": "HATE-REFRESHER", "outcome": "fell_due"},
    ),
    # The lists' action bar: HR and managers act on their own colleagues (another team's is a 400
    # that writes nothing); the auditor, the policy owner and colleagues only read.
    Row(
        "dashboard:act",
        answers(403, hr=302, north=302, south=400),
        method="post",
        data={"pick": ["N1|HATE-REFRESHER"], "action": "nudge", "next": "/overdue/"},
        label="nudge",
    ),
    Row(
        "dashboard:act",
        answers(403, hr=200, north=200, south=400),
        method="post",
        data={"pick": ["N3|HATE-REFRESHER"], "action": "book"},
        label="book: the sessions",
    ),
    Row(
        "dashboard:act",
        answers(403, hr=200, north=200, south=400),
        method="post",
        data={"pick": ["N3|HATE-REFRESHER"], "action": "extension"},
        label="extension",
    ),
    Row("dashboard:act", answers(405, anonymous=405), label="get"),
    Row(
        "dashboard:act_book",
        answers(403, hr=302, north=302, south=400),
        method="post",
        data=lambda w: {"pick": ["N3|HATE-REFRESHER"], "session": w.upcoming.pk, "next": "/overdue/"},
    ),
    # Only HR asks for the figures to be worked out again; it answers with a redirect to the dashboard.
    Row("dashboard:summary_rebuild", answers(403, hr=302), method="post"),
]


# ---------------------------------------------------------------- the patterns


def url_patterns(resolver=None, prefix="", namespace=None):
    """(key, route) of every URL pattern outside /admin/: its `namespace:name`, or its route if unnamed."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route == "admin/":
                continue  # Django's admin: test_admin_refuses_everyone_but_verified_staff
            inner = pattern.namespace and (
                f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            )
            yield from url_patterns(pattern, route, inner or namespace)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name or route, route


def pattern_of(path: str) -> str:
    match = resolve(path)
    return match.view_name if match.url_name else match.route


def test_every_url_pattern_has_a_row():
    patterns = dict(url_patterns())
    assert len(patterns) > 60  # the walk found the app's pages, not an empty resolver
    assert set(patterns) == {row.name for row in ROWS}


# ---------------------------------------------------------------- the world the rows ask about


def at(day: str, hour: int) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=LONDON)


def session_on(day: str) -> Session:
    start = at(day, 10)
    return Session.objects.create(
        course=Course.objects.get(code="SHUK-HATE"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        capacity=10,
        venue="Civic Centre",
        provider="Stop Hate UK",
    )


def book(session: Session, colleague: Colleague) -> Booking:
    return Booking.objects.create(
        session=session, colleague=colleague, uid=f"{session.pk}.{colleague.pk}@test"
    )


def build_world() -> SimpleNamespace:
    """The dashboard's organisation, and something of each kind for the rows to point at."""
    org = build_org()
    users, people = org.users, org.people
    hr = users["hr"]
    Post.objects.filter(code="communities-director").update(holder=users["policy"])
    summary_rebuild(day=TODAY)

    upcoming, to_cancel, past = session_on("2026-07-01"), session_on("2026-07-08"), session_on("2026-05-01")
    booking = {"N1": book(upcoming, people["N1"]), "S1": book(upcoming, people["S1"])}
    booking["past N2"] = book(past, people["N2"])
    book(past, people["S2"])

    def reviewed(number, by):
        return colleague_review_record(
            colleague=people[number],
            reviewed_on=TODAY,
            training_discussed="Refresher booked.",
            next_review_on=TODAY + dt.timedelta(days=180),
            reviewer=users[by],
        )

    review = {"N1": reviewed("N1", "north"), "S1": reviewed("S1", "south")}

    policy = Policy.objects.get(slug="hate-harassment")
    open_review = policy_services.review_start(
        policy=policy, trigger=ReviewTrigger.SCHEDULED, started_on=TODAY, started_by=hr
    )
    document = policy_services.policy_document_upload(
        review=open_review, kind=DocumentKind.POLICY, uploaded=pdf(), uploaded_by=hr
    )

    def extension(number, by, due):
        return workspace_services.waiver_request_submit(
            colleague=people[number],
            requirement=Requirement.objects.get(code="HATE-REFRESHER"),
            kind=WaiverKind.EXTENSION,
            new_due_date=due,
            reason="Long-term sickness.",
            by=users[by],
        )

    requests = {
        "N1": extension("N1", "north", D("2026-09-01")),
        "S1": extension("S1", "south", D("2027-08-01")),
    }

    def certificate(number):
        # An old qualification beside the one held: the evidence changes nobody's standing.
        made = workspace_services.completion_record(
            colleague=people[number],
            course=Course.objects.get(code="BTEC2-CSC"),
            completed_on=D("2017-06-01"),
            uploaded=certificate_pdf(),
            by=hr,
        )
        return made.evidence.get()

    evidence = {"N1": certificate("N1"), "S1": certificate("S1")}

    def feed(user, kind, revoked=False):
        _, token = calendar_feed_issue(user=user, kind=kind)
        if revoked:
            calendar_feed_revoke(user=user, kind=kind)
        return token

    gone = user_in("gone", AccessGroup.MANAGER, is_active=False)
    feeds = {
        "policies live": feed(users["policy"], CalendarFeedKind.POLICY_REVIEWS),
        "policies revoked": feed(users["auditor"], CalendarFeedKind.POLICY_REVIEWS, revoked=True),
        "policies manager": feed(users["north"], CalendarFeedKind.POLICY_REVIEWS),
        "team live": feed(users["north"], CalendarFeedKind.TEAM_DUE_DATES),
        "team revoked": feed(users["south"], CalendarFeedKind.TEAM_DUE_DATES, revoked=True),
        "team inactive": feed(gone, CalendarFeedKind.TEAM_DUE_DATES),
    }

    def batch(user):
        return ImportBatch.objects.create(
            kind=ImportKind.TRAINING,
            source=ImportSource.WEB,
            file_name="training.csv",
            sha256="0" * 64,
            dry_run=True,
            uploaded_by=user,
            uploaded_by_name=user.username,
            status=ImportStatus.REJECTED,
            finished_at=NOW,
        )

    return SimpleNamespace(
        org=org,
        users=users,
        people=people,
        upcoming=upcoming,
        to_cancel=to_cancel,
        booking=booking,
        review=review,
        document=document,
        feeds=feeds,
        batch={"hr": batch(hr), "north": batch(users["north"])},
        requests=requests,
        evidence=evidence,
        refresher=Course.objects.get(code="HC-REFRESHER"),
        btec2=Course.objects.get(code="BTEC2-CSC"),
    )


@pytest.fixture
def world(reference, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_BROKER_URL = ""  # /readyz: tasks run in-process here, as the suite runs them
    with time_machine.travel(NOW, tick=False):
        yield build_world()


# ---------------------------------------------------------------- what the answers hold


def writes() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction (the test's), by table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return dict(cursor.fetchall())


def written(before: dict, after: dict) -> set[str]:
    return {table for table, n in after.items() if n != before.get(table, 0)}


def text_of(response) -> str:
    """What a person would read in the answer, whatever its format; "" for files such as a PDF."""
    # Reading a streamed answer to its end closes it as the test client should (`close()` would
    # also send request_finished, which closes the test's database connection).
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith(XLSX):
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
        )
    if kind.startswith(("text/", "application/json")):
        return body.decode()
    return ""


def hidden_from(user, everyone) -> set[str]:
    """Last names and employee numbers of the colleagues `user` must not see.

    Those people.access.colleagues_for gives them may be seen, and so may the
    managers of those (a colleague's own page names their manager).
    """
    if user is None:
        shown = set()
    else:
        scope = colleagues_for(user).select_related("team")
        shown = (
            {c.pk for c in scope} | {c.line_manager_id for c in scope} | {c.team.manager_id for c in scope}
        )
    return {mark for c in everyone if c.pk not in shown for mark in (c.last_name, c.employee_number)}


def pattern_for(marks) -> re.Pattern | None:
    if not marks:
        return None
    return re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, marks))) + r")(?![\w-])")


def answer_of(response) -> int | str:
    if response.status_code == 302 and response["Location"].split("?")[0] == reverse("login"):
        return LOGIN
    if response.status_code == 302 and response["Location"].startswith(settings.OIDC_ISSUER or "-"):
        return PROVIDER
    return response.status_code


def send(client, world, row: Row, path: str):
    data = of(world, row.data) if row.method != "get" else of(world, row.query)
    if row.json:
        return getattr(client, row.method)(path, json.dumps(data), content_type="application/json")
    return getattr(client, row.method)(path, data or {})


def password_clients(users: dict) -> dict[str, Client]:
    clients = {}
    for role, user in users.items():
        # A 500 is an answer like any other here: it shows in the table, not as an exception.
        clients[role] = Client(raise_request_exception=False)
        if user is not None:
            clients[role].force_login(user)
    return clients


# ---------------------------------------------------------------- the same roles, signed in through the provider

# What the provider says of each role's person (tests/oidc): their email, groups and second factor.
# HR, the auditor and the policy owner need colleague records to sign in at all (accounts/services.py).
SSO_PEOPLE = {
    "hr": ("H9", ["hr-staff"]),
    "north": ("N0", []),
    "south": ("S0", []),
    "auditor": ("A9", ["internal-audit"]),
    "policy": ("P9", ["policy-owners"]),
    "colleague": ("N1", []),
}
# Their last names, unlike any other in the organisation (see SSO_ACTORS).
NEW_RECORDS = {"H9": "Haworth-Hr", "A9": "Auden-Audit", "P9": "Pollard-Policy"}
PROVIDER = "provider"  # a redirect to the provider (its sign-out)
# Where the answers differ from the password pass, and why.
SSO_ANSWERS = {
    # Everyone signed in through the provider has a colleague record, so a page of their own.
    ("me:home", "get", ""): answers(200),
    ("me:record", "get", ""): answers(200),
    ("me:record_json", "get", ""): answers(200),
    ("me:book", "post", ""): answers(302),
    ("me:book", "post", "unknown"): answers(404),
    ("me:cancel", "post", "N1's"): answers(404, colleague=302),
    ("me:cancel", "post", "S1's"): answers(404),
    # Signing out also signs out at the provider (RP-initiated logout).
    ("logout", "post"): answers(PROVIDER),
    # Single sign-on is set up: off to the provider, with state, nonce and PKCE challenge.
    ("accounts:sso_start", "get"): answers(PROVIDER, anonymous=PROVIDER),
    # The auditor and the policy owner are colleagues too once they have records: they may ask
    # for their own extension or submit their own training (and preview it), like anyone.
    ("workspace:preview", "get", ""): answers(
        403, hr=200, north=200, south=200, colleague=200, auditor=200, policy=200
    ),
    ("workspace:request_new", "get", ""): answers(
        403, hr=200, north=200, south=200, colleague=200, auditor=200, policy=200
    ),
    ("workspace:request_new", "post", "invalid"): answers(
        403, hr=400, north=400, south=400, colleague=400, auditor=400, policy=400
    ),
}
# HR, the auditor and the policy owner now have colleague records, and their names show where they
# act (the policy's owner in the register and its feed, who started a review): those names are not
# a leak. Their employee numbers still are, outside the scopes that hold them.
SSO_ACTORS = ("H9", "A9", "P9")


def sso_world(world, provider) -> None:
    """Colleague records for the roles that had none, and the provider's word for every role's person."""
    head_office = TeamFactory(name="Head office")
    for role, (number, groups) in SSO_PEOPLE.items():
        person = world.people.get(number) or ColleagueFactory(
            employee_number=number, last_name=NEW_RECORDS[number], team=head_office
        )
        world.people[number] = person
        Colleague.objects.filter(pk=person.pk).update(user=world.users[role])
        provider.person(role, email=person.email.upper(), groups=groups, amr=["pwd", "mfa"])


def sso_clients(world, provider) -> dict[str, Client]:
    """A client per role, each signed in through the provider at the machine's real time.

    The provider's clock is not the test's (time_machine): the ID token is checked at the real
    time, and the test goes back to its day afterwards.
    """
    clients = {"anonymous": Client(raise_request_exception=False)}
    real = dt.datetime.fromtimestamp(time_machine.escape_hatch.time.time(), tz=dt.UTC)
    with time_machine.travel(real, tick=True):
        for role in ROLES[1:]:
            client = clients[role] = Client(raise_request_exception=False)
            answer = sso_sign_in(client, provider, role)
            assert answer.status_code == 302, f"{role}: {answer.content.decode()[:300]}"
            assert int(client.session[SESSION_KEY]) == world.users[role].pk, role
    return clients


@pytest.mark.parametrize("signed_in_by", ["password", "provider"])
def test_each_role_gets_the_right_answer(world, signed_in_by, request):
    """One organisation, every row, every role: the answers, writes and leaks are compared at the end.

    Twice: signed in with a password (roles from groups set by hand) and through the
    OpenID provider (roles from its group claim, managers from the reporting lines).
    """
    users = {"anonymous": None, **{role: world.users[role] for role in ROLES[1:]}}
    expected_by_row = {}
    if signed_in_by == "provider":
        provider = request.getfixturevalue("sso")
        sso_world(world, provider)
        expected_by_row = SSO_ANSWERS

        def sign_in(_users):
            return sso_clients(world, provider)
    else:
        sign_in = password_clients
    everyone = list(Colleague.objects.all())
    clients = sign_in(users)
    if signed_in_by == "provider":
        for user in users.values():
            if user is not None:
                user.refresh_from_db()
        assert {role: set(user_groups(users[role])) for role in ("hr", "north", "policy", "colleague")} == {
            "hr": {AccessGroup.HR, AccessGroup.COLLEAGUE},
            "north": {AccessGroup.MANAGER, AccessGroup.COLLEAGUE},
            "policy": {AccessGroup.POLICY_OWNER, AccessGroup.COLLEAGUE},
            "colleague": {AccessGroup.COLLEAGUE},
        }
    actors = {world.people[n].last_name for n in SSO_ACTORS} if signed_in_by == "provider" else set()
    hidden = {role: pattern_for(hidden_from(user, everyone) - actors) for role, user in users.items()}
    got, expected, wrote, leaked = {}, {}, {}, {}
    # One snapshot of the write counters per request: each request's "before" is the last one's "after".
    last = writes()
    for row in ROWS:
        path = row.path or reverse(row.name, kwargs=of(world, row.kwargs))
        key = f"{row.method.upper()} {path}" + (f" [{row.label}]" if row.label else "")
        assert pattern_of(path) == row.name, f"{key} does not reach {row.name}"
        expected[key] = expected_by_row.get(
            (row.name, row.method, row.label), expected_by_row.get((row.name, row.method), row.answers)
        )
        got[key] = {}
        judge = pattern_for(hidden_from(row.seen_as(world), everyone) - actors) if row.seen_as else None
        for role in ROLES:
            response = send(clients[role], world, row, path)
            answer = got[key][role] = answer_of(response)
            now = writes()
            changed = written(last, now) - BOOKKEEPING - row.may_write
            last = now
            if answer in REFUSED and changed:
                wrote.setdefault(key, {})[role] = sorted(changed)
            if 200 <= response.status_code < 300:
                marks = judge if row.seen_as else hidden[role]
                found = set(marks.findall(text_of(response))) - set(row.echoed) if marks else set()
                if found:
                    leaked.setdefault(key, {})[role] = sorted(found)
        if row.signs_out:
            clients = sign_in(users)
            last = writes()
    wrong = {}
    for key, answers in got.items():
        for role, answer in answers.items():
            if answer != expected[key][role]:
                wrong.setdefault(key, {})[role] = f"{answer}, expected {expected[key][role]}"
    # Answers that differ from the table, refused requests that wrote to the database, and
    # answers that show colleagues outside the role's scope; all three at once.
    problems = {"answers": wrong, "refused but wrote": wrote, "shown out of scope": leaked}
    assert problems == {"answers": {}, "refused but wrote": {}, "shown out of scope": {}}


# ---------------------------------------------------------------- /admin/


def test_admin_refuses_everyone_but_verified_staff(reference):
    """Every registered model's list: sign in for anonymous and non-staff users, the second factor for
    staff who have not passed it this session, and the list for a verified superuser."""
    lists = [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry
    ]
    assert len(lists) > 10

    manager = user_in("manager", AccessGroup.MANAGER)
    hr = user_in("hr", AccessGroup.HR)
    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)

    def signed_in(user, verified=True):
        client = Client()
        client.force_login(user)
        if not verified:
            session = client.session
            del session[DEVICE_ID_SESSION_KEY]
            session.save()
        return client

    clients = {
        "anonymous": Client(),
        "manager": signed_in(manager),
        "hr, not staff": signed_in(hr),
        "staff without 2FA": signed_in(staff, verified=False),
        "staff": signed_in(staff),
    }
    got, expected = {}, {}
    for url in lists:
        admin_login = f"{reverse('admin:login')}?next={url}"
        two_factor = f"{reverse('accounts:two_factor')}?next={url}"
        expected[url] = {
            "anonymous": admin_login,
            "manager": admin_login,
            "hr, not staff": admin_login,
            "staff without 2FA": two_factor,
            "staff": 200,
        }
        got[url] = {}
        for who, client in clients.items():
            response = client.get(url)
            got[url][who] = response["Location"] if response.status_code == 302 else response.status_code
    assert got == expected
