"""Every page of the dashboard app answers each role as it should: a table over all its URL patterns.

A new URL pattern without a row here fails `test_every_url_pattern_has_a_row`,
so no page reaches production without its scope being checked.
"""

import pytest
from django.urls import reverse

from dashboard import urls as dashboard_urls
from dashboard.services import summary_rebuild

from .conftest import TODAY, client_for

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "hr", "north", "south", "auditor", "policy", "colleague")
LOGIN = 302  # anonymous: sent to sign in
FIGURES = {
    "anonymous": LOGIN,
    "hr": 200,
    "north": 200,
    "south": 200,
    "auditor": 200,
    "policy": 403,
    "colleague": 403,
}

# (url name, kwargs, method, answer per role)
CASES = [
    # Those who see no figures are sent to the page that is theirs (own record, or the KPI report).
    ("home", {}, "get", {**FIGURES, "policy": 302, "colleague": 302}),
    ("overdue", {}, "get", FIGURES),
    ("overdue_csv", {}, "get", FIGURES),
    ("overdue_xlsx", {}, "get", FIGURES),
    ("matrix", {}, "get", FIGURES),
    # North's officer: their manager, HR, the auditor and the officer themselves; 404 for anyone else.
    (
        "colleague",
        {"employee_number": "N1"},
        "get",
        {
            "anonymous": LOGIN,
            "hr": 200,
            "north": 200,
            "south": 404,
            "auditor": 200,
            "policy": 404,
            "colleague": 200,
        },
    ),
    (
        "colleague",
        {"employee_number": "S1"},
        "get",
        {
            "anonymous": LOGIN,
            "hr": 200,
            "north": 404,
            "south": 200,
            "auditor": 200,
            "policy": 404,
            "colleague": 404,
        },
    ),
    # Unknown numbers look exactly like another team's colleague.
    (
        "colleague",
        {"employee_number": "NOBODY"},
        "get",
        {
            "anonymous": LOGIN,
            "hr": 404,
            "north": 404,
            "south": 404,
            "auditor": 404,
            "policy": 404,
            "colleague": 404,
        },
    ),
    # Everyone's own page; nobody's for an account without a colleague record.
    (
        "me",
        {},
        "get",
        {
            "anonymous": LOGIN,
            "hr": 404,
            "north": 302,
            "south": 302,
            "auditor": 404,
            "policy": 404,
            "colleague": 302,
        },
    ),
    ("kpi", {}, "get", {**FIGURES, "policy": 200}),
    ("kpi_export", {}, "get", {**FIGURES, "policy": 200}),
    # Only HR asks for the figures to be worked out again; it answers with a redirect to the dashboard.
    (
        "summary_rebuild",
        {},
        "post",
        {
            "anonymous": LOGIN,
            "hr": 302,
            "north": 403,
            "south": 403,
            "auditor": 403,
            "policy": 403,
            "colleague": 403,
        },
    ),
]


def test_every_url_pattern_has_a_row():
    patterns = {p.name for p in dashboard_urls.urlpatterns}
    assert patterns == {name for name, *_ in CASES}


def test_each_role_gets_the_right_answer(org, client):
    summary_rebuild(day=TODAY)
    answers, expected = {}, {}
    for name, kwargs, method, wanted in CASES:
        url = reverse(f"dashboard:{name}", kwargs=kwargs)
        answers[url], expected[url] = {}, wanted
        for role in ROLES:
            client.logout()
            client_for(client, org.users[role])
            response = getattr(client, method)(url)
            answers[url][role] = response.status_code
            if role == "anonymous":
                assert response["Location"].startswith("/accounts/login/?next=")
    assert answers == expected


def test_other_answers_go_to_the_right_place(org, client):
    client_for(client, org.users["colleague"])
    assert client.get("/")["Location"] == "/colleagues/N1/"
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
