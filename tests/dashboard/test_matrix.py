"""The training matrix: colleagues down, requirements across, each cell a status with its date."""

import datetime as dt

import pytest

from compliance import engine
from compliance.enums import Status, WaiverKind
from dashboard.selectors.matrix import NOT_REQUIRED, PER_PAGE, Cell, cell_for
from tests.factories import ColleagueFactory
from tests.organisation import TODAY, client_for

pytestmark = pytest.mark.django_db


def grid(response):
    """{employee number: [(status, note, date) per requirement]} from the page's rows."""
    return {
        row.employee_number: [(c.status, c.note, c.day) for c in row.cells]
        for row in response.context["matrix"].rows
    }


def test_each_cell_shows_the_status_and_the_date_that_matters(org, client):
    client_for(client, org.users["hr"])
    response = client.get("/matrix/")
    assert [code for code, _ in response.context["matrix"].requirements] == [
        "BTEC-L2",
        "BTEC-L3",
        "BTEC-L5",
        "HATE-REFRESHER",
    ]
    d = dt.date.fromisoformat
    assert grid(response) == {
        "N0": [(None, "", None)] * 4,
        "N1": [
            ("compliant", "held since", d("2020-06-01")),
            (None, "", None),
            (None, "", None),
            ("overdue", "due", d("2026-03-01")),
        ],
        "N2": [
            ("pending", "due", d("2026-09-01")),
            (None, "", None),
            (None, "", None),
            ("pending", "due", d("2026-09-01")),
        ],
        "N3": [
            (None, "", None),
            ("compliant", "held since", d("2019-06-01")),
            (None, "", None),
            ("due_soon", "due", d("2026-07-15")),
        ],
        "S0": [(None, "", None)] * 4,
        "S1": [
            ("compliant", "held since", d("2018-05-01")),
            (None, "", None),
            (None, "", None),
            ("compliant", "until", d("2027-05-01")),
        ],
        "S2": [
            ("overdue", "due", d("2025-01-01")),
            (None, "", None),
            (None, "", None),
            ("overdue", "due", d("2025-01-01")),
        ],
    }
    html = response.content.decode()
    assert '<span class="status status-overdue">Overdue</span><br><small>due 1 Mar 2026</small>' in html
    assert '<span class="visually-hidden">Not required</span>' in html


def test_a_team_filter_and_a_past_date(org, client):
    client_for(client, org.users["hr"])
    response = client.get("/matrix/", {"team": org.north.pk, "on": "2025-12-31"})
    # By surname; N4 was still employed on 31 Dec 2025; South is filtered out.
    assert list(grid(response)) == ["N1", "N2", "N3", "N4", "N0"]
    assert grid(response)["N3"][3] == ("compliant", "until", dt.date(2026, 7, 15))


def test_a_manager_sees_only_their_team(org, client):
    client_for(client, org.users["north"])
    assert list(grid(client.get("/matrix/"))) == ["N1", "N2", "N3", "N0"]


def test_pages_of_colleagues(org, client):
    for i in range(PER_PAGE):
        ColleagueFactory(employee_number=f"M{i:03d}", last_name=f"Zed{i:03d}", team=org.south, role="NHO")
    client_for(client, org.users["hr"])
    first, second = client.get("/matrix/"), client.get("/matrix/", {"page": 2})
    assert len(first.context["matrix"].rows) == PER_PAGE
    # North's 4 and South's 3 come first (team, then surname): the last 7 of the 50 "Zed"s spill over.
    assert list(grid(second)) == [f"M{i:03d}" for i in range(43, 50)]
    assert "Page 2 of 2" in second.content.decode()


def test_cells_for_exemptions_and_refreshers():
    exemption = engine.WaiverFacts("HATE-REFRESHER", WaiverKind.EXEMPTION, TODAY, starts_on=TODAY)
    assert cell_for(
        engine.RequirementStatus("HATE-REFRESHER", Status.EXEMPT, None, None, waiver=exemption)
    ) == Cell("exempt", "Exempt", "indefinitely", None)
    ending = engine.WaiverFacts(
        "HATE-REFRESHER", WaiverKind.EXEMPTION, TODAY, starts_on=TODAY, ends_on=dt.date(2027, 1, 1)
    )
    assert cell_for(
        engine.RequirementStatus("HATE-REFRESHER", Status.EXEMPT, None, None, waiver=ending)
    ) == Cell("exempt", "Exempt", "until", dt.date(2027, 1, 1))
    assert NOT_REQUIRED.status is None
