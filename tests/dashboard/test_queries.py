"""Every list page costs the same number of queries for 1 colleague or 50 (a literal count each)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard.services import snapshot_backfill, summary_rebuild
from tests.factories import ColleagueFactory, record

from .conftest import TODAY, D, client_for

pytestmark = pytest.mark.django_db


def add_officers(org, count):
    for i in range(count):
        c = ColleagueFactory(
            employee_number=f"Q{i:03d}",
            team=org.north,
            line_manager=org.people["N0"],
            role="NHO",
            start_date=D("2021-01-01"),
        )
        record(c, "BTEC2-CSC", "2021-06-01")
        record(c, "SHUK-HATE", f"2024-{i % 12 + 1:02d}-10")


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


# Every page: session, user, the user's groups (3). A manager's scope adds their own record,
# their teams' colleagues and one query per level of reports (3 here), and the team filter's
# choices are the teams of that scope rather than every team (1 either way).
ENGINE = 13  # compliance_on: the catalogue (7) and the facts of any number of colleagues (6)
PAGES = {
    # 3 + team choices, run, requirements, case types, stored team rows | (manager) 2 code maps and
    # 3 counts, team names, drop-outs (list and count), trend: lines, days, overall, one line per team;
    # a manager's trend first finds their whole teams (2: members in scope, members in all)
    "/": {"hr": 15, "north": 23},
    # 3 + team choices, run, names for the list, the engine, team names, case type names, trend: lines and
    # days (no snapshot that far back: nothing else to read)
    "/?on=2026-03-31": {"hr": 9 + ENGINE, "north": 14 + ENGINE},
    # 3 + team choices, run, count, page, role and requirement choices
    "/overdue/?status=any": {"hr": 9, "north": 12},
    # 3 + team choices, run, names, the engine, role and requirement choices
    "/overdue/?status=any&on=2026-03-31": {"hr": 8 + ENGINE, "north": 11 + ENGINE},
    # 3 + team choices, run, every row through one cursor
    "/overdue/export.csv?status=any": {"hr": 6, "north": 9},
    "/overdue/export.xlsx?status=any": {"hr": 6, "north": 9},
    # 3 + team choices, count, page of ids, the engine on that page, names
    "/matrix/": {"hr": 7 + ENGINE, "north": 10 + ENGINE},
    # 3 + team and case type names, the engine on the first day, its facts again on the last (6)
    "/kpi/?quarter=2026-Q1": {"hr": 11 + ENGINE, "north": 14 + ENGINE},
}


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("who", ["hr", "north"])
def test_list_pages_cost_a_fixed_number_of_queries(org, client, count, who):
    add_officers(org, count)
    summary_rebuild(day=TODAY)
    snapshot_backfill(until=TODAY, months=2)
    client_for(client, org.users[who])
    counted = {url: queries(client, url) for url in PAGES}
    assert counted == {url: per_user[who] for url, per_user in PAGES.items()}


@pytest.mark.parametrize("count", [1, 50])
def test_the_colleague_page_costs_the_same_however_long_the_record(org, client, count):
    n1 = org.people["N1"]
    for i in range(count):
        record(n1, "SHUK-HATE", f"20{10 + i // 12:02d}-{i % 12 + 1:02d}-01")
    client_for(client, org.users["north"])
    # 3 + scope (3), the colleague, the engine, course titles, waivers, case type names, roles held,
    # training records, 4 history tables, team, role and course labels, line managers' names.
    assert queries(client, "/colleagues/N1/") == 20 + ENGINE
