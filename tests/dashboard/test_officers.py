"""The officers behind each eligibility figure of the dashboard: the list holds exactly whom the figure counts.

The organisation is tests/organisation.py's, with a second case type
(anti-social behaviour: Neighbourhood Housing Officers, gated by BTEC-L2
alone) so that the lists differ by case type.
"""

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.changes import changes_drain
from compliance.models import CaseType, Requirement
from dashboard.access import Scope
from dashboard.selectors.evaluate import evaluate
from dashboard.selectors.officers import live_officers, officer_from_summary, summary_officers
from dashboard.services import summary_rebuild
from people.models import Colleague, Role
from tests.dashboard.officers import north_officers
from tests.factories import ColleagueFactory, record
from tests.organisation import TODAY, D, client_for

pytestmark = pytest.mark.django_db

EVERYONE = Scope(Colleague.objects.all(), everyone=True)
PAST, FUTURE = D("2025-12-31"), D("2026-08-15")
SHOWS = ("officers", "eligible", "supervised", "not_eligible", "in_30", "in_60", "in_90")
# Each figure in the test's own words, over the engine's answer for one officer and case type:
# written apart from the app's rule (dashboard/selectors/eligibility.py), which must agree with it.
MEANS = {
    "officers": lambda f: True,
    "eligible": lambda f: f.eligible,
    "supervised": lambda f: f.eligible and f.supervision_required,
    "not_eligible": lambda f: not f.eligible,
    "in_30": lambda f: f.later[0],
    "in_60": lambda f: f.later[1],
    "in_90": lambda f: f.later[2],
}


@pytest.fixture
def org(org):
    asb = CaseType.objects.create(code="asb", name="Anti-social behaviour")
    asb.roles.add(Role.objects.get(code="NHO"))
    Requirement.objects.get(code="BTEC-L2").gates.add(asb)
    return org


def summary_now():
    summary_rebuild(day=TODAY)
    changes_drain()  # the catalogue edit above is in the rebuild: nothing left waiting


@pytest.fixture(params=["summary", "past", "future"])
def day(request, org):
    """Each test on the stored summary's day and, worked out live, on a past and a future day."""
    summary_now()
    return {"summary": None, "past": PAST, "future": FUTURE}[request.param]


def listed(client, **params):
    """(employee numbers in order, how many the list says it holds) of the officers' list."""
    response = client.get("/officers/", {k: v for k, v in params.items() if v is not None})
    assert response.status_code == 200, response.content.decode()[:500]
    page = response.context["listed"].page
    numbers = [o.employee_number for o in response.context["listed"].officers]
    return numbers, page.paginator.count


def dashboard_counts(client, team, on) -> dict[str, dict[str, int]]:
    """Each case type's figures on the dashboard for the team (None: all of them), by `show`."""
    params = {k: v for k, v in {"team": team, "on": on}.items() if v is not None}
    response = client.get("/", params)
    assert response.status_code == 200
    counts = {}
    for code, _, _, total in response.context["eligibility_tables"]:
        by_show = {"officers": total.officers, "eligible": total.eligible, "supervised": total.supervised}
        by_show |= {f"in_{days}": n for days, n in total.horizons}
        by_show["not_eligible"] = total.officers - total.eligible
        counts[code] = by_show
    return counts


def engine_says(colleagues, day, case_type, show) -> set[str]:
    evaluation = evaluate(colleagues, day)
    return {
        c.facts.employee_number
        for c in evaluation.colleagues
        for f in evaluation.forecasts[c.facts.colleague_id]
        if f.case_type == case_type and MEANS[show](f)
    }


@pytest.mark.parametrize("who", ["hr", "north"])
def test_each_list_holds_the_officers_its_dashboard_figure_counts(org, client, day, who):
    client_for(client, org.users[who])
    on = day and day.isoformat()
    teams = {"all": None, "North": org.north.pk}
    if who == "hr":
        teams["South"] = org.south.pk
    got, expected = {}, {}
    for label, team in teams.items():
        figures = dashboard_counts(client, team, on)
        colleagues = Colleague.objects.filter(**({"team_id": team} if team else {}))
        if who == "north":
            colleagues = colleagues.filter(team=org.north)
        for case_type in ("asb", "hate_crime"):
            for show in SHOWS:
                numbers, count = listed(client, case_type=case_type, show=show, team=team, on=on)
                key = (label, case_type, show)
                got[key] = (count, len(numbers), set(numbers))
                people = engine_says(colleagues, day or TODAY, case_type, show)
                expected[key] = (figures[case_type][show], len(people), people)
    assert got == expected


def test_on_the_summarys_day_the_lists_name_whom_the_organisation_expects(org, client):
    summary_now()
    client_for(client, org.users["hr"])
    got = {
        (case_type, show): listed(client, case_type=case_type, show=show)[0]
        for case_type in ("asb", "hate_crime")
        for show in SHOWS
    }
    # N1's refresher is overdue (hate crime only), N2 is in induction, N3 (a CSO, hate crime only)
    # lapses on 15 Jul, S2 is overdue on both; by surname: Ahmed, Bennett, Carter, Evans, Fraser.
    assert got == {
        ("asb", "officers"): ["N1", "N2", "S1", "S2"],
        ("asb", "eligible"): ["N1", "N2", "S1"],
        ("asb", "supervised"): ["N2"],
        ("asb", "not_eligible"): ["S2"],
        ("asb", "in_30"): ["N1", "N2", "S1"],
        ("asb", "in_60"): ["N1", "N2", "S1"],
        ("asb", "in_90"): ["N1", "N2", "S1"],
        ("hate_crime", "officers"): ["N1", "N2", "N3", "S1", "S2"],
        ("hate_crime", "eligible"): ["N2", "N3", "S1"],
        ("hate_crime", "supervised"): ["N2"],
        ("hate_crime", "not_eligible"): ["N1", "S2"],
        ("hate_crime", "in_30"): ["N2", "N3", "S1"],
        ("hate_crime", "in_60"): ["N2", "S1"],
        ("hate_crime", "in_90"): ["N2", "S1"],
    }


@pytest.mark.parametrize("show", SHOWS)
def test_the_summary_lists_the_officers_the_engine_lists_live(org, show):
    # A role change since: the summary's list gives the role held on its day, as the engine does.
    record(org.people["S1"], "BTEC3-CSCNM", "2026-05-01")
    summary_now()
    for case_type in ("asb", "hate_crime"):
        stored = [officer_from_summary(r) for r in summary_officers(EVERYONE, case_type, show, TODAY)]
        assert stored == live_officers(Colleague.objects.all(), case_type, show, TODAY)


@pytest.mark.parametrize("who", ["hr", "north", "south"])
def test_every_eligibility_figure_on_the_dashboard_links_to_its_officers(org, client, day, who):
    """Follow each link of the rendered dashboard: the list it opens holds as many officers as it says."""
    client_for(client, org.users[who])
    page = client.get("/", {"on": day.isoformat()} if day else {}).content.decode()
    links = re.findall(r'<a href="(/officers/\?[^"]+)">(?:of )?(\d+)(?: under supervision)?</a>', page)
    # Cards: eligible, of all officers and, where there are any, under supervision (2 or 3 a case
    # type); the table: 6 a team (one team for a manager, two and the All teams line for HR).
    assert len(links) >= {"hr": 2 * (2 + 6 * 3), "north": 2 * (2 + 6), "south": 2 * (2 + 6)}[who]
    opened = {}
    for href, figure in links:
        url = html.unescape(href)
        query = parse_qs(urlsplit(url).query)
        assert query.get("on") == ([day.isoformat()] if day else None), url
        response = client.get(url)
        assert response.status_code == 200, url
        opened[url] = (response.context["listed"].page.paginator.count, int(figure))
    assert {url: n for url, (n, _) in opened.items()} == {url: f for url, (_, f) in opened.items()}


def test_while_todays_figures_are_worked_out_the_links_open_the_latest_figures_lists(org, client):
    """Just after midnight the dashboard shows the latest run's figures: so does each list it links to."""
    summary_rebuild(day=TODAY - dt.timedelta(days=1))
    changes_drain()
    client_for(client, org.users["hr"])
    page = client.get("/").content.decode()
    links = re.findall(r'<a href="(/officers/\?[^"]+)">(?:of )?(\d+)(?: under supervision)?</a>', page)
    # Each case type: 3 on its card (N2 is under supervision for both), 6 a line for North, South, All teams.
    assert len(links) == 2 * (3 + 6 * 3)
    opened = {}
    for href, figure in links:
        response = client.get(html.unescape(href))
        assert (response.context["waiting"], response.context["day"]) == (True, TODAY - dt.timedelta(days=1))
        opened[href] = (response.context["listed"].page.paginator.count, int(figure))
    assert {url: n for url, (n, _) in opened.items()} == {url: f for url, (_, f) in opened.items()}


def test_a_team_without_a_name_has_figures_but_no_link(org, client):
    ColleagueFactory(employee_number="X1", team=None, role="NHO", start_date=D("2020-01-01"))
    summary_now()
    client_for(client, org.users["hr"])
    page = client.get("/").content.decode()
    row = re.search(r'<th scope="row">No team</th>(.*?)</tr>', page, re.S).group(1)
    assert "<a " not in row
    assert re.findall(r'<td class="num[^"]*">(\d+)</td>', row)[:3] == ["1", "0", "0"]
    # The All teams line counts them, and its list holds them.
    assert "X1" in listed(client, case_type="asb", show="officers")[0]


@pytest.mark.parametrize("on", [None, PAST.isoformat()], ids=["summary", "live"])
def test_a_manager_sees_only_their_own_officers(org, client, on):
    summary_now()
    client_for(client, org.users["north"])
    numbers, _ = listed(client, case_type="hate_crime", show="officers", on=on)
    assert set(numbers) <= {"N1", "N2", "N3", "N4"}
    assert numbers
    response = client.get("/officers/", {"case_type": "hate_crime", "team": org.south.pk, "on": on or ""})
    assert response.status_code == 400
    assert "<strong>team</strong>" in response.content.decode()


def test_the_page_reads_as_a_list_of_officers(org, client):
    summary_now()
    client_for(client, org.users["hr"])
    response = client.get("/officers/", {"case_type": "hate_crime", "show": "eligible", "team": org.north.pk})
    text = response.content.decode()
    assert response.context["title"] == "Officers who may take hate crime cases now, North team"
    assert "<title>Officers who may take hate crime cases now, North team" in text
    row = re.search(r'<tr>\s*<th scope="row"><a href="/colleagues/N2/">Ben Bennett</a>(.*?)</tr>', text, re.S)
    cells = [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td>(.*?)</td>", row.group(1), re.S)]
    assert cells == [
        "North",
        'Neighbourhood Housing Officer <span class="muted">NHO</span>',
        "Yes, under supervision",
        "1 Sep 2026",
        "Yes",
        "Yes",
        "Yes",
    ]
    assert '<span class="muted">N2</span>' in text
    assert '<div class="scroll">' in text


def test_another_day_is_named_in_the_title_and_carried_to_each_officer(org, client):
    summary_now()
    client_for(client, org.users["hr"])
    response = client.get("/officers/", {"case_type": "hate_crime", "show": "in_30", "on": "2025-12-31"})
    assert response.context["title"] == (
        "Officers who may still take hate crime cases 30 days after 31 Dec 2025 if nobody trains"
    )
    assert '<a href="/colleagues/N1/?on=2025-12-31">Amira Ahmed</a>' in response.content.decode()
    assert "a past date" in response.content.decode()
    assert response.context["source"] == "live"


def test_an_empty_list_says_so(org, client):
    summary_now()
    client_for(client, org.users["south"])
    response = client.get("/officers/", {"case_type": "hate_crime", "show": "supervised"})
    assert response.context["listed"].officers == []
    assert "No officers are in this figure on 1 Jun 2026." in response.content.decode()


def test_pages_of_25_by_surname(org, client):
    for i in range(30):
        ColleagueFactory(
            employee_number=f"X{i:02d}",
            last_name=f"Zed{i:02d}",
            team=org.south,
            role="NHO",
            start_date=D("2026-01-01"),
        )
    summary_now()
    client_for(client, org.users["hr"])
    first, count = listed(client, case_type="asb", show="supervised")
    last, _ = listed(client, case_type="asb", show="supervised", page=2)
    assert (count, first[:2], len(first), last) == (
        31,
        ["N2", "X00"],
        25,
        [f"X{i:02d}" for i in range(24, 30)],
    )


def test_one_case_type_needs_no_choosing_but_several_do(org, client):
    summary_now()
    client_for(client, org.users["hr"])
    response = client.get("/officers/")
    assert response.status_code == 400
    assert "<strong>case_type</strong>" in response.content.decode()
    CaseType.objects.filter(code="asb").delete()
    summary_now()
    numbers, _ = listed(client)
    assert numbers == ["N1", "N2", "N3", "S1", "S2"]  # every hate crime officer


BAD = (
    ({"case_type": "burglary"}, "case_type"),
    ({"show": "late"}, "show"),
    ({"on": "31/02/2026"}, "on"),
    ({"on": "yesterday"}, "on"),
    ({"team": "abc"}, "team"),
    ({"team": "999999"}, "team"),
)


def test_a_bad_parameter_is_a_400_naming_it(org, client):
    client_for(client, org.users["hr"])
    answers = {}
    for params, _ in BAD:
        response = client.get("/officers/", {"case_type": "hate_crime", **params})
        names = re.findall(r"<strong>(\w+)</strong>", response.content.decode())
        answers[str(params)] = (response.status_code, names)
    assert answers == {str(params): (400, [name]) for params, name in BAD}


def add_officers(org, count):
    # Refreshers current on both days asked.
    north_officers(
        org, count, started="2021-01-01", btec="2021-06-01", refresher=lambda i: f"2025-{i % 12 + 1:02d}-10"
    )


# Signed in (tests/dashboard/test_queries.py): HR 7, a manager 9 (their record, their teams'
# colleagues, reports by level). Then: whether changes wait (1), the team choices and the case
# types (2), the latest run (1); from the summary the count and the page (2), live the names and
# the engine (1 + 13); the role names (1).
SIGNED_IN = {"hr": 7, "north": 9}
QUERIES = {"summary": 1 + 2 + 1 + 2 + 1, "live": 1 + 2 + 1 + 1 + 13 + 1}


@pytest.mark.parametrize("count", [1, 40])
@pytest.mark.parametrize("who", ["hr", "north"])
@pytest.mark.parametrize("source", ["summary", "live"])
def test_the_list_costs_the_same_for_1_or_40_officers(org, client, count, who, source):
    add_officers(org, count)
    summary_now()
    client_for(client, org.users[who])
    params = {"case_type": "hate_crime", "show": "eligible", "team": org.north.pk}
    if source == "live":
        params["on"] = "2026-03-31"
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/officers/", params)
    assert response.status_code == 200
    assert len(response.context["listed"].officers) == min(25, count + 2)  # and N2, N3
    assert len(ctx.captured_queries) == SIGNED_IN[who] + QUERIES[source]


def test_the_role_shown_is_the_one_held_on_the_day(org, client):
    n2 = org.people["N2"]
    n2.role_assignments.create(role=Role.objects.get(code="CSO"), started_on=dt.date(2026, 5, 1))
    summary_now()
    client_for(client, org.users["hr"])
    now = client.get("/officers/", {"case_type": "hate_crime", "show": "officers"}).content.decode()
    before = client.get(
        "/officers/", {"case_type": "hate_crime", "show": "officers", "on": "2026-04-01"}
    ).content.decode()
    role = r'<a href="/colleagues/N2/[^"]*">Ben Bennett</a>.*?<td>North</td>\s*<td>(.*?)</td>'
    assert re.search(role, now, re.S).group(1).endswith("CSO</span>")
    assert re.search(role, before, re.S).group(1).endswith("NHO</span>")
