"""The people behind the KPI page's refresher figures: one rule for the counts and the lists.

The first tests need no database: the rule over the engine's plain statuses.
The rest build one colleague of each outcome in Q1 2026 (today is 1 June
2026) and check that each figure's list holds exactly the colleagues it counts.
"""

import html
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.engine import ColleagueFacts, Completion, RequirementStatus
from compliance.enums import Status, WaiverKind
from compliance.models import Requirement, Waiver
from compliance.selectors import ColleagueCompliance
from dashboard.selectors.kpi import RefresherCompletion
from dashboard.selectors.refreshers import (
    OUTCOMES,
    Outcome,
    RefresherFigure,
    refresher_outcome,
    refreshers_due,
)
from people.models import Role, RoleAssignment
from tests.dashboard.officers import north_officers
from tests.factories import ColleagueFactory, record
from tests.organisation import D, client_for

CODE = "HATE-REFRESHER"
Q1 = {"quarter_start": D("2026-01-01"), "quarter_end": D("2026-03-31")}
LIST = "/kpi/refreshers/"
NONE = "\N{EN DASH}"  # no renewal


def due(on, completed=None, status=Status.COMPLIANT, code=CODE):
    """A refresher's status as the engine gives it: due on `on`, satisfied by a completion on `completed`."""
    return RequirementStatus(
        code,
        status,
        None if on is None else D(on),
        None,
        satisfied_by=Completion("HC-REFRESHER", D(completed)) if completed else None,
    )


# ---------------------------------------------------------------- the rule, on plain data


@pytest.mark.parametrize(
    ("start", "end", "outcome"),
    [
        # Due dates outside the quarter, or none (an exemption on the first day): not the quarter's.
        (due("2025-12-31", "2023-12-31"), due("2027-12-31", "2025-12-31"), None),
        (due("2026-04-01", "2024-04-01"), due("2026-04-01", "2024-04-01"), None),
        (due(None, status=Status.EXEMPT), due(None, status=Status.EXEMPT), None),
        # Its first and last days are in it.
        (
            due("2026-01-01", "2024-01-01"),
            due("2026-01-01", "2024-01-01", Status.OVERDUE),
            Outcome.NOT_RENEWED,
        ),
        (due("2026-03-31", "2024-03-31"), due("2028-03-31", "2026-03-31"), Outcome.ON_TIME),
        # A completion after the due date, inside the quarter: renewed, late.
        (due("2026-02-10", "2024-02-10"), due("2028-02-11", "2026-02-11"), Outcome.LATE),
        # Nothing newer than what satisfied it on the first day: not renewed.
        (
            due("2026-02-10", "2024-02-10"),
            due("2026-02-10", "2024-02-10", Status.OVERDUE),
            Outcome.NOT_RENEWED,
        ),
        # A new starter's first refresher (nothing before it) completed in time.
        (due("2026-02-10", status=Status.DUE_SOON), due("2028-01-15", "2026-01-15"), Outcome.ON_TIME),
        # Gone from the last day's answer (left, or a role without it), whatever they completed.
        (due("2026-02-10", "2024-02-10"), None, Outcome.LEFT),
        # Exempt on the last day: apart, even if renewed too.
        (due("2026-02-10", "2024-02-10"), due(None, "2026-02-01", Status.EXEMPT), Outcome.EXEMPTED),
    ],
)
def test_what_became_of_a_refresher(start, end, outcome):
    assert refresher_outcome(start, end, **Q1) == outcome


def test_each_figure_counts_its_outcomes_and_the_rate_adds_up():
    assert OUTCOMES[RefresherFigure.FELL_DUE] == set(Outcome)
    assert set(OUTCOMES) == set(RefresherFigure)
    # Every mix of outcomes (up to three of each): the page's derived figures are the lists' counts.
    for counts in itertools.product(range(3), repeat=len(Outcome)):
        outcomes = [o for o, n in zip(Outcome, counts, strict=True) for _ in range(n)]
        figures = RefresherCompletion.of(CODE, "Refresher", outcomes)
        listed = {f: sum(o in OUTCOMES[f] for o in outcomes) for f in RefresherFigure}
        assert (
            figures.fell_due,
            figures.counted,
            figures.renewed,
            figures.on_time,
            figures.not_renewed,
            figures.exempted,
            figures.left,
        ) == tuple(listed[f] for f in RefresherFigure)


def colleague(number, name, statuses, leaving=None):
    facts = ColleagueFacts(
        number, D("2018-01-01"), leaving_date=leaving, name=name, team="North", colleague_id=hash(number)
    )
    return ColleagueCompliance(facts=facts, role="NHO", role_started_on=D("2018-01-01"), statuses=statuses)


def test_the_rows_come_by_due_date_then_name_with_the_renewal_and_the_leaving_date():
    start = [
        colleague("A1", "Zoe Able", [due("2026-02-01", "2024-02-01")]),
        colleague("A2", "Adam Baker", [due("2026-02-01", "2024-02-01")]),
        colleague("A3", "Cara Cole", [due("2026-01-15", "2024-01-15")], leaving=D("2026-03-01")),
        colleague("A4", "Dan Dale", [due("2026-05-01", "2024-05-01")]),  # after the quarter
        colleague("A5", "Eve Earl", [due("2026-02-01", "2024-02-01", code="OTHER")]),  # not asked for
    ]
    end = [
        colleague("A1", "Zoe Able", [due("2028-01-20", "2026-01-20")]),
        colleague("A2", "Adam Baker", [due("2026-02-01", "2024-02-01", Status.OVERDUE)]),
        colleague("A4", "Dan Dale", [due("2026-05-01", "2024-05-01", Status.DUE_SOON)]),
    ]
    rows = refreshers_due(start, end, [CODE], **Q1, last_day=D("2026-03-31"))
    assert [(r.employee_number, r.due_date, r.outcome, r.renewed_by, r.left_on) for r in rows] == [
        ("A3", D("2026-01-15"), Outcome.LEFT, None, D("2026-03-01")),
        ("A2", D("2026-02-01"), Outcome.NOT_RENEWED, None, None),
        ("A1", D("2026-02-01"), Outcome.ON_TIME, Completion("HC-REFRESHER", D("2026-01-20")), None),
    ]


# ---------------------------------------------------------------- the page, on the database

# The colleagues behind each figure for HR (everyone): see `outcomes` below.
EVERYONE = {
    RefresherFigure.FELL_DUE: {"R1", "R2", "N1", "R7", "R3", "R4", "R5"},
    RefresherFigure.COUNTED: {"R1", "R2", "N1", "R7"},
    RefresherFigure.RENEWED: {"R1", "R2"},
    RefresherFigure.ON_TIME: {"R1"},
    RefresherFigure.NOT_RENEWED: {"N1", "R7"},
    RefresherFigure.EXEMPTED: {"R3"},
    RefresherFigure.LEFT: {"R4", "R5"},
}
NORTH = {"R1", "N1", "R4"}
# The KPI page's figure for each list: the refresher table's cells and the card's count.
PAGE_FIGURE = {
    RefresherFigure.FELL_DUE: "fell_due",
    RefresherFigure.COUNTED: "counted",
    RefresherFigure.RENEWED: "renewed",
    RefresherFigure.ON_TIME: "on_time",
    RefresherFigure.NOT_RENEWED: "not_renewed",
    RefresherFigure.EXEMPTED: "exempted",
    RefresherFigure.LEFT: "left",
}


@pytest.fixture
def outcomes(org):
    """One colleague of each outcome in Q1 2026, with N1 (due 1 Mar 2026, never renewed).

    North: R1 renewed on time, R4 left, R6 due after the quarter. South: R2 renewed late,
    R7 renewed only after the quarter, R3 exempted, R5 moved to a role without the refresher.
    """

    def officer(number, last_name, team, refresher_on, **kw):
        c = ColleagueFactory(
            employee_number=number,
            first_name="Officer",
            last_name=last_name,
            team=team,
            line_manager=team.manager,
            role="NHO",
            start_date=D("2018-01-01"),
            **kw,
        )
        record(c, "BTEC2-CSC", "2018-06-01")
        record(c, "HC-REFRESHER", refresher_on)
        return c

    record(officer("R1", "Ontime", org.north, "2024-02-10"), "HC-REFRESHER", "2026-02-01")
    record(officer("R2", "Late", org.south, "2024-01-20"), "SHUK-HATE", "2026-03-05")
    record(officer("R7", "Afterwards", org.south, "2024-03-20"), "HC-REFRESHER", "2026-04-10")
    Waiver.objects.create(
        colleague=officer("R3", "Exempted", org.south, "2024-03-15"),
        requirement=Requirement.objects.get(code=CODE),
        kind=WaiverKind.EXEMPTION,
        reason="Long-term sickness",
        approved_by="Head of HR",
        approved_on=D("2026-02-25"),
        starts_on=D("2026-03-01"),
    )
    officer("R4", "Leaver", org.north, "2024-02-15", leaving_date=D("2026-02-20"))
    RoleAssignment.objects.create(
        colleague=officer("R5", "Mover", org.south, "2024-02-05"),
        role=Role.objects.get(code="CSM"),
        started_on=D("2026-02-01"),
    )
    officer("R6", "Later", org.north, "2024-05-10")


def listed(client, outcome, **query):
    response = client.get(LIST, {"quarter": "2026-Q1", "requirement": CODE, "outcome": outcome, **query})
    assert response.status_code == 200, response.content.decode()[:500]
    return response


def numbers(response) -> list[str]:
    return [r.employee_number for r, _, _ in response.context["rows"]]


def test_each_list_holds_exactly_the_colleagues_its_figure_counts(org, outcomes, client):
    client_for(client, org.users["hr"])
    (figures,) = client.get("/kpi/", {"quarter": "2026-Q1"}).context["kpi"].refreshers
    for figure, expected in EVERYONE.items():
        rows = numbers(listed(client, figure))
        assert (figure, sorted(rows)) == (figure, sorted(expected))
        assert (figure, len(rows)) == (figure, getattr(figures, PAGE_FIGURE[figure]))


def test_a_manager_lists_only_their_colleagues_and_their_kpi_page_counts_the_same(org, outcomes, client):
    client_for(client, org.users["north"])
    (figures,) = client.get("/kpi/", {"quarter": "2026-Q1"}).context["kpi"].refreshers
    for figure, everyone in EVERYONE.items():
        rows = numbers(listed(client, figure))
        assert (figure, sorted(rows)) == (figure, sorted(everyone & NORTH))
        assert (figure, len(rows)) == (figure, getattr(figures, PAGE_FIGURE[figure]))


REFRESHER_LINK = re.compile(r'<a href="(/kpi/refreshers/\?[^"]+)">(\d+)(%?)</a>')


def test_every_refresher_figure_on_the_kpi_page_opens_its_people(org, outcomes, client):
    client_for(client, org.users["hr"])
    page = client.get("/kpi/", {"quarter": "2026-Q1"}).content.decode()
    links = [(html.unescape(url), int(n), percent) for url, n, percent in REFRESHER_LINK.findall(page)]
    # The card's rate and count, then the table's six cells.
    assert [(url.split("outcome=")[1], n, percent) for url, n, percent in links] == [
        ("renewed", 50, "%"),
        ("counted", 4, ""),
        ("fell_due", 7, ""),
        ("renewed", 2, ""),
        ("on_time", 1, ""),
        ("not_renewed", 2, ""),
        ("exempted", 1, ""),
        ("left", 2, ""),
    ]
    for url, n, percent in links:
        response = client.get(url)
        assert response.status_code == 200, url
        rows = response.context["page"].paginator.count
        # A rate opens those it counts as renewed: 2 of the 4.
        assert (url, rows) == (url, 2 if percent else n)
    assert links[0][0] == "/kpi/refreshers/?quarter=2026-Q1&requirement=HATE-REFRESHER&outcome=renewed"


def test_the_policy_owner_sees_the_counts_but_no_names(org, outcomes, client):
    client_for(client, org.users["policy"])
    page = client.get("/kpi/", {"quarter": "2026-Q1"}).content.decode()
    assert "/kpi/refreshers/" not in page
    assert ">7</td>" in page  # the refreshers that fell due, unlinked
    assert client.get(LIST, {"quarter": "2026-Q1", "requirement": CODE}).status_code == 403


def test_the_list_reads_in_words(org, outcomes, client):
    client_for(client, org.users["hr"])
    response = listed(client, "fell_due")
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert "<h1>Refreshers that fell due in Q1 2026</h1>" in response.content.decode()
    # By due date, then name: each with team, due date, the renewal and the outcome in words.
    expected = [
        "Officer Late R2 South 20 Jan 2026 5 Mar 2026 Stop Hate UK hate-related training session Renewed late",
        f"Officer Mover R5 South 5 Feb 2026 {NONE} Left or changed role",
        "Officer Ontime R1 North 10 Feb 2026 1 Feb 2026 Hate crime refresher Renewed on time",
        f"Officer Leaver R4 North 15 Feb 2026 {NONE} Left or changed role left 20 Feb 2026",
        f"Amira Ahmed N1 North 1 Mar 2026 {NONE} Not renewed",
        f"Officer Exempted R3 South 15 Mar 2026 {NONE} Exempted",
        f"Officer Afterwards R7 South 20 Mar 2026 {NONE} Not renewed",
    ]
    assert [row for row in expected if row in text] == expected
    positions = [text.index(row) for row in expected]
    assert positions == sorted(positions)
    assert (
        '<a href="/colleagues/R2/">Officer Late</a> <span class="muted">R2</span>'
        in response.content.decode()
    )
    titles = {
        f: re.search(r"<h1>(.*?)</h1>", listed(client, f).content.decode())[1]
        for f in (RefresherFigure.NOT_RENEWED, RefresherFigure.LEFT)
    }
    assert titles == {
        RefresherFigure.NOT_RENEWED: "Refreshers due in Q1 2026 that were not renewed",
        RefresherFigure.LEFT: "Refreshers due in Q1 2026 whose colleague left or changed role",
    }


def test_an_empty_figure_says_nobody(org, outcomes, client):
    client_for(client, org.users["north"])
    response = listed(client, "exempted")
    assert response.context["rows"] == []
    assert "Nobody: no refresher of the colleagues you see is in this figure for Q1 2026." in (
        response.content.decode()
    )


def test_the_defaults_are_the_kpi_pages_quarter_and_everyone_whose_refresher_fell_due(org, outcomes, client):
    client_for(client, org.users["hr"])
    response = client.get(LIST)
    assert response.status_code == 200
    assert (str(response.context["quarter"]), response.context["code"], response.context["figure"]) == (
        "2026-Q1",
        CODE,
        RefresherFigure.FELL_DUE,
    )
    assert response.context["page"].paginator.count == 7


@pytest.mark.parametrize(
    ("query", "named", "message"),
    [
        ({"quarter": "2026-Q9"}, "quarter", "“2026-Q9” is not a quarter such as 2026-Q1"),
        ({"quarter": "2026-Q3"}, "quarter", "2026-Q3 has not started yet"),
        ({"requirement": "BTEC-L2"}, "requirement", "“BTEC-L2” is not a recurring requirement"),
        ({"requirement": "NOPE"}, "requirement", "“NOPE” is not a recurring requirement"),
        ({"outcome": "maybe"}, "outcome", "“maybe” is not one of the figures"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(org, client, query, named, message):
    client_for(client, org.users["hr"])
    response = client.get(LIST, {"quarter": "2026-Q1", "requirement": CODE, "outcome": "fell_due", **query})
    assert response.status_code == 400
    body = response.content.decode()
    assert f"<strong>{named}</strong>: {html.escape(message)}" in body


def test_all_bad_parameters_are_named_at_once(org, client):
    client_for(client, org.users["hr"])
    response = client.get(LIST, {"quarter": "x", "requirement": "y", "outcome": "z"})
    assert response.status_code == 400
    assert [name for name, _ in response.context["errors"]] == ["quarter", "requirement", "outcome"]


def test_the_list_pages_25_at_a_time(org, client):
    for i in range(30):
        c = ColleagueFactory(
            employee_number=f"P{i:02d}", team=org.north, role="NHO", start_date=D("2018-01-01")
        )
        record(c, "BTEC2-CSC", "2018-06-01")
        record(c, "HC-REFRESHER", "2024-02-01")
    client_for(client, org.users["hr"])
    first, second = listed(client, "not_renewed"), listed(client, "not_renewed", page=2)
    assert (len(first.context["rows"]), len(second.context["rows"])) == (25, 6)  # and N1
    assert 'href="?quarter=2026-Q1&amp;requirement=HATE-REFRESHER&amp;outcome=not_renewed&amp;page=2"' in (
        first.content.decode()
    )


def add_due(org, count):
    """`count` North officers whose refreshers fell due in Q1 2026, some renewed, some not."""
    officers = north_officers(
        org, count, started="2018-01-01", btec="2018-06-01", refresher=lambda i: f"2024-0{i % 3 + 1}-10"
    )
    for c in officers[1::2]:
        record(c, "HC-REFRESHER", "2026-02-20")


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), len(response.context["rows"])


@pytest.mark.parametrize("who", ["hr", "north"])
def test_the_list_costs_the_same_for_one_colleague_or_many(org, client, who):
    url = f"{LIST}?quarter=2026-Q1&requirement={CODE}&outcome=fell_due"
    client_for(client, org.users[who])
    client.get(url)  # the session's first save
    few = queries(client, url)
    add_due(org, 40)
    many = queries(client, url)
    # Signed in (7 for HR, 9 for a manager: tests/dashboard/test_queries.py), the catalogue (7),
    # the facts on the first and last day (6 each), course titles (1).
    fixed = {"hr": 7, "north": 9}[who] + 7 + 6 + 6 + 1
    assert (few, many) == ((fixed, 1), (fixed, 25))
