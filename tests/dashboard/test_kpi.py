"""The quarterly KPI report for the Communities Committee."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from compliance.enums import WaiverKind
from compliance.models import Requirement, Waiver
from dashboard.selectors.kpi import Quarter, recent_quarters
from tests.factories import ColleagueFactory, record
from tests.organisation import D, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def renewals(org):
    """Refreshers falling due in Q1 2026: renewed on time, late, exempted, left, renewed after the quarter.

    With N1 (due 1 Mar 2026, never renewed) that makes six.
    """

    def officer(number, refresher_on, **kw):
        c = ColleagueFactory(
            employee_number=number, team=org.south, role="NHO", start_date=D("2018-01-01"), **kw
        )
        record(c, "BTEC2-CSC", "2018-06-01")
        record(c, "HC-REFRESHER", refresher_on)
        return c

    k1 = officer("K1", "2024-02-10")
    record(k1, "HC-REFRESHER", "2026-02-01")  # on time
    k2 = officer("K2", "2024-01-20")
    record(k2, "SHUK-HATE", "2026-03-05")  # late, inside the quarter
    k3 = officer("K3", "2024-03-15")
    Waiver.objects.create(
        colleague=k3,
        requirement=Requirement.objects.get(code="HATE-REFRESHER"),
        kind=WaiverKind.EXEMPTION,
        reason="Long-term sickness",
        approved_by="Head of HR",
        approved_on=D("2026-02-25"),
        starts_on=D("2026-03-01"),
    )
    officer("K4", "2024-02-15", leaving_date=D("2026-02-20"))
    k5 = officer("K5", "2024-03-20")
    record(k5, "HC-REFRESHER", "2026-04-10")  # after the quarter


def test_refresher_completion_rate(org, renewals, client):
    client_for(client, org.users["hr"])
    report = client.get("/kpi/", {"quarter": "2026-Q1"}).context["kpi"]
    (refresher,) = report.refreshers
    assert (
        refresher.code,
        refresher.fell_due,
        refresher.renewed,
        refresher.on_time,
        refresher.exempted,
        refresher.left,
        refresher.not_renewed,
        refresher.rate,
        refresher.on_time_rate,
    ) == ("HATE-REFRESHER", 6, 2, 1, 1, 1, 2, 50, 25)
    assert (report.first_day, report.last_day, report.in_progress) == (
        D("2026-01-01"),
        D("2026-03-31"),
        False,
    )


def test_compliance_by_requirement_and_team_at_both_ends(org, client):
    client_for(client, org.users["hr"])
    report = client.get("/kpi/", {"quarter": "2026-Q1"}).context["kpi"]
    rows = {code: (s.as_tuple() if s else None, e.as_tuple()) for code, _, s, e in report.requirement_rows()}
    # 1 Jan: N1 refresher due soon, N4 (left 1 Jan, still employed that day) overdue twice.
    assert rows == {
        "BTEC-L2": ((2, 0, 2, 1, 0, 0), (2, 0, 1, 1, 0, 0)),
        "BTEC-L3": ((1, 0, 0, 0, 0, 0), (1, 0, 0, 0, 0, 0)),
        "BTEC-L5": ((0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0)),
        "HATE-REFRESHER": ((2, 1, 2, 1, 0, 1), (2, 0, 2, 1, 0, 0)),
    }
    assert (report.at_start.people_overdue, report.at_end.people_overdue) == (2, 2)
    assert [t.name for t in report.at_end.teams] == ["North", "South"]


def test_a_manager_sees_their_teams_and_the_policy_owner_everyone(org, client):
    client_for(client, org.users["north"])
    assert [t.name for t in client.get("/kpi/").context["kpi"].at_end.teams] == ["North"]
    client.logout()
    client_for(client, org.users["policy"])
    assert [t.name for t in client.get("/kpi/").context["kpi"].at_end.teams] == ["North", "South"]


def test_the_default_is_the_last_complete_quarter_and_the_current_one_runs_to_today(org, client):
    client_for(client, org.users["hr"])
    assert str(client.get("/kpi/").context["kpi"].quarter) == "2026-Q1"
    current = client.get("/kpi/", {"quarter": "2026-Q2"}).context["kpi"]
    assert (current.last_day, current.in_progress) == (D("2026-06-01"), True)


def test_bad_quarters_are_refused(org, client):
    client_for(client, org.users["hr"])
    for value, message in (
        ("2026-Q5", "is not a quarter such as 2026-Q1"),
        ("Q1 2026", "is not a quarter such as 2026-Q1"),
        ("Q1\n2026\u2028", "“Q1\\n2026\\u2028” is not a quarter such as 2026-Q1"),  # one line, escaped
        ("2026-Q3", "2026-Q3 has not started yet"),
    ):
        for url in ("/kpi/", "/kpi/export.xlsx"):
            response = client.get(url, {"quarter": value})
            assert (value, url, response.status_code) == (value, url, 400)
            assert message in response.content.decode()


def test_xlsx_for_the_committee(org, renewals, client):
    client_for(client, org.users["hr"])
    response = client.get("/kpi/export.xlsx", {"quarter": "2026-Q1"})
    assert response["Content-Disposition"] == 'attachment; filename="kpi-2026-Q1.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Compliance by requirement",
        "Summary",
        "People",
        "By team and requirement",
        "Refresher completion",
        "Eligible officers",
    ]
    refreshers = [[c.value for c in row] for row in book["Refresher completion"].iter_rows()]
    assert refreshers[1] == ["HATE-REFRESHER", "Hate crime refresher every two years", 6, 2, 1, 1, 1, 50, 25]
    by_team = [[c.value for c in row] for row in book["By team and requirement"].iter_rows(min_row=2)]
    # met, on track, not met, total, % met, then the statuses behind them
    assert by_team[0] == ["North", "BTEC-L2", 1, 1, 0, 2, 50, 1, 0, 0, 1, 0]


def test_quarters():
    q = Quarter.parse("2024-Q1")
    assert (q.start, q.end, str(q.previous())) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31), "2023-Q4")
    assert Quarter.parse("2024-Q4").end == dt.date(2024, 12, 31)
    assert [str(x) for x in recent_quarters(dt.date(2026, 2, 10), 3)] == ["2026-Q1", "2025-Q4", "2025-Q3"]
    assert Quarter(2026, 1).label == "Q1 2026 (1 Jan to 31 Mar 2026)"
