"""Every list page costs the same number of queries for 1 colleague or 50 (a literal count each)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.changes import changes_drain
from dashboard.services import snapshot_backfill, summary_rebuild
from people.models import Colleague
from tests.dashboard.officers import north_officers
from tests.factories import record
from tests.organisation import TODAY, client_for

pytestmark = pytest.mark.django_db


def add_officers(org, count):
    north_officers(
        org, count, started="2021-01-01", btec="2021-06-01", refresher=lambda i: f"2024-{i % 12 + 1:02d}-10"
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


# Every signed-in page: the session, the user, their groups, and saving the session again
# (savepoint, update, release: sessions end after 30 idle minutes). HR also has their
# second-factor device read. A manager's scope adds their own record, their teams'
# colleagues and one query per level of reports (3 here).
HR = 7
MANAGER = 9
ENGINE = 13  # compliance_on: the catalogue (7) and the facts of any number of colleagues (6)
# Pages that may read the stored summary first ask whether changes wait to be applied (1).
CURRENT = 1
# What is in hand for the rows shown (dashboard/selectors/in_hand.py): the requirements' courses,
# the bookings to come, today's nudges, HR's pending requests; the same for a page of 1 row or 25.
IN_HAND = 4
# The dashboard's overdue and due-soon cards name their first few people: for each, the first
# colleagues and their rows (2), then what is in hand for those rows.
NAMED = 2 + 2 + IN_HAND
# What each page adds. The team filter's choices are the teams in scope (1 either way).
PAGES = {
    # team choices, run, requirements, case types, stored team rows | (manager) 2 code maps and
    # 3 counts, team names, drop-outs (list and count), trends (monthly and quarterly together):
    # lines, days, overall, one line per team; a manager's trend first finds their whole teams
    # (2: members in scope, members in all)
    # HR's dashboard also lists the requests awaiting a decision (1).
    "/": {"hr": HR + CURRENT + 13 + NAMED, "north": MANAGER + CURRENT + 17 + NAMED},
    # team choices, run, names for the list, the engine, team names, case type names, trend: lines and
    # days (no snapshot that far back: nothing else to read)
    # (+1 for HR: the requests awaiting a decision)
    "/?on=2026-03-31": {"hr": HR + CURRENT + 7 + ENGINE, "north": MANAGER + CURRENT + 8 + ENGINE},
    # team choices, run, count, page, role and requirement choices, role and requirement names (2)
    "/overdue/?status=any": {"hr": HR + CURRENT + 8 + IN_HAND, "north": MANAGER + CURRENT + 8 + IN_HAND},
    # team choices, run, names, the engine, role and requirement choices, role and requirement names
    "/overdue/?status=any&on=2026-03-31": {
        "hr": HR + CURRENT + 7 + ENGINE + IN_HAND,
        "north": MANAGER + CURRENT + 7 + ENGINE + IN_HAND,
    },
    # team choices, run, rows counted for the export log and logged, every row through one cursor
    "/overdue/export.csv?status=any": {"hr": HR + CURRENT + 5, "north": MANAGER + CURRENT + 5},
    # and the names of the roles and requirements (2), which the workbook gives beside their codes
    "/overdue/export.xlsx?status=any": {"hr": HR + CURRENT + 7, "north": MANAGER + CURRENT + 7},
    # team choices, count, page of ids, the engine on that page, names, role names
    "/matrix/": {"hr": HR + 5 + ENGINE + IN_HAND, "north": MANAGER + 5 + ENGINE + IN_HAND},
    # team and case type names, the engine on the first day, its facts again on the last (6)
    # then the quarter-on-quarter trend: teams drawn as lines and the days (no snapshot by the
    # quarter's end here: no counts to read); a manager's whole teams (2) first
    "/kpi/?quarter=2026-Q1": {"hr": HR + 10 + ENGINE, "north": MANAGER + 12 + ENGINE},
    # the KPI page's, then the teams drawn as lines and the trends' days (no snapshot by the
    # quarter's end here: no counts to read); a manager's whole teams (2) first
    "/kpi/pack.pdf?quarter=2026-Q1": {"hr": HR + 10 + ENGINE, "north": MANAGER + 12 + ENGINE},
}


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("who", ["hr", "north"])
def test_list_pages_cost_a_fixed_number_of_queries(org, client, count, who):
    add_officers(org, count)
    summary_rebuild(day=TODAY)
    snapshot_backfill(until=TODAY, months=2)
    changes_drain()  # steady state: the writes above are applied (test_changes.py counts a page just after one)
    client_for(client, org.users[who])
    counted = {url: queries(client, url) for url in PAGES}
    assert counted == {url: per_user[who] for url, per_user in PAGES.items()}


@pytest.mark.parametrize("count", [1, 50])
def test_the_colleague_page_costs_the_same_however_long_the_record(org, client, count):
    n1 = org.people["N1"]
    for i in range(count):
        record(n1, "SHUK-HATE", f"20{10 + i // 12:02d}-{i % 12 + 1:02d}-01")
    client_for(client, org.users["north"])
    # The colleague, the engine, course titles, waivers, case type names, roles held,
    # training records and their certificates, 4 history tables, team, role and course labels,
    # line managers' names.
    assert queries(client, "/colleagues/N1/") == MANAGER + 15 + ENGINE


# Read-your-writes: the first page after a write applies it before answering, in a fixed
# number of queries. The drain: savepoint, take the waiting rows, release (3). The webhook
# check: active webhooks (1: none). The summary: any run, savepoint, lock, the run, release (5),
# the engine (13), team, role and case type ids and names (4), teams now and before (3),
# delete and insert the rows (4), team figures: code maps, 3 counts, delete, insert (7), the
# run's stamp (1). Then asking again what waits (1).
APPLY = 3 + 1 + 5 + ENGINE + 4 + 3 + 4 + 7 + 1 + 1


@pytest.mark.parametrize("count", [1, 50])
def test_the_page_after_a_write_costs_the_same_for_1_or_50_colleagues_changed(org, client, count):
    add_officers(org, 50)
    summary_rebuild(day=TODAY)
    changes_drain()
    for i in range(count):
        record(Colleague.objects.get(employee_number=f"Q{i:03d}"), "HC-REFRESHER", "2026-05-30")
    client_for(client, org.users["hr"])
    # The list's own 8 (PAGES above), after the write is applied.
    assert queries(client, "/overdue/?status=any") == HR + CURRENT + 8 + IN_HAND + APPLY
    assert queries(client, "/overdue/?status=any") == HR + CURRENT + 8 + IN_HAND  # applied: steady again
