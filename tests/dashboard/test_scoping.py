"""The dashboard's pages show each role only the colleagues and teams in their scope.

Who may open which page at all is the project-wide table, tests/test_access.py.
"""

import pytest

from dashboard.services import summary_rebuild
from tests.organisation import TODAY, client_for

pytestmark = pytest.mark.django_db


def test_other_answers_go_to_the_right_place(org, client):
    client_for(client, org.users["colleague"])
    assert client.get("/")["Location"] == "/me/"
    client.logout()
    client_for(client, org.users["policy"])
    assert client.get("/")["Location"] == "/kpi/"


LISTS = (
    ("/overdue/?status=any", "number"),
    ("/overdue/export.csv?status=any", "number"),
    ("/matrix/", "number"),
    ("/", "team"),
    ("/kpi/", "team"),
)
EVERYONE = {"N1", "N3", "S1", "S2"}
BOTH = {"North", "South"}
SEEN = {
    "number": {"hr": EVERYONE, "north": {"N1", "N3"}, "south": {"S1", "S2"}, "auditor": EVERYONE},
    "team": {"hr": BOTH, "north": {"North"}, "south": {"South"}, "auditor": BOTH},
}


@pytest.mark.parametrize("on", ["", "2026-03-15"], ids=["summary", "live"])
def test_lists_show_only_the_colleagues_in_scope(org, client, on):
    summary_rebuild(day=TODAY)
    seen, expected = {}, {}
    for url, show in LISTS:
        if on:
            url += ("&" if "?" in url else "?") + f"on={on}"
        seen[url], expected[url] = {}, SEEN[show]
        for role in ("hr", "north", "south", "auditor"):
            client.logout()
            client_for(client, org.users[role])
            response = client.get(url)
            assert response.status_code == 200
            text = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
            if show == "number":
                seen[url][role] = {n for n in EVERYONE if f">{n}<" in text or f"\n{n}," in text}
            else:
                seen[url][role] = {t for t in BOTH if f">{t}<" in text}
    assert seen == expected


def test_a_team_filter_outside_the_scope_is_refused(org, client):
    client_for(client, org.users["north"])
    response = client.get("/overdue/", {"team": org.south.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert client.get("/matrix/", {"team": org.south.pk}).status_code == 400
    assert client.get("/", {"team": org.south.pk}).status_code == 400
