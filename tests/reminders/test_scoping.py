"""Every URL of the reminders app answers each role as it should: a table over all its URL patterns.

A new URL pattern without a row here fails `test_every_url_pattern_has_a_row`.
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from core.access import AccessGroup
from core.models import CalendarFeedKind, calendar_feed_issue
from reminders import urls as reminders_urls
from tests.factories import ColleagueFactory, UserFactory

from .helpers import manager_of

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "hr", "manager", "colleague")
SIGNED_IN = {"anonymous": 302, "hr": 200, "manager": 200, "colleague": 200}
# Writes go back to the page; anonymous users to sign in. Everyone may have their own address:
# its events are whatever core.access.colleagues_for lets them see.
POSTED = {"anonymous": 302, "hr": 302, "manager": 302, "colleague": 302}
# Calendar apps cannot sign in: the secret in the address is the credential, whoever asks.
FEED_OPEN = {"anonymous": 200, "hr": 200, "manager": 200, "colleague": 200}
NOT_FOUND = dict.fromkeys(ROLES, 404)

CASES = [
    ("calendar_feed", "get", None, SIGNED_IN),
    ("calendar_feed_new", "post", None, POSTED),
    ("calendar_feed_new", "get", None, {**SIGNED_IN, "hr": 405, "manager": 405, "colleague": 405}),
    ("calendar_feed_stop", "post", None, POSTED),
    ("team_calendar", "get", "live", FEED_OPEN),
    ("team_calendar", "get", "revoked", NOT_FOUND),
    ("team_calendar", "get", "unknown", NOT_FOUND),
]


@pytest.fixture
def people(reference):
    manager, _ = manager_of("North", "nora")
    hr = UserFactory(username="hr-user")
    hr.groups.add(Group.objects.get_or_create(name=AccessGroup.HR)[0])
    officer = UserFactory(username="officer")
    ColleagueFactory(user=officer)
    live = calendar_feed_issue(user=manager, kind=CalendarFeedKind.TEAM_DUE_DATES)
    revoked = calendar_feed_issue(user=hr, kind=CalendarFeedKind.TEAM_DUE_DATES)
    calendar_feed_issue(user=hr, kind=CalendarFeedKind.TEAM_DUE_DATES)
    return {
        "users": {"hr": hr, "manager": manager, "colleague": officer},
        "tokens": {"live": live.token, "revoked": revoked.token, "unknown": "no-such-address"},
    }


def test_every_url_pattern_has_a_row():
    assert {p.name for p in reminders_urls.urlpatterns} == {name for name, *_ in CASES}


@pytest.mark.parametrize(("name", "method", "token", "answers"), CASES)
@pytest.mark.parametrize("role", ROLES)
def test_reminders_urls_answer_each_role(people, name, method, token, answers, role):
    client = Client()
    if role != "anonymous":
        client.force_login(people["users"][role])
    url = reverse(f"reminders:{name}", args=[people["tokens"][token]] if token else [])
    assert getattr(client, method)(url).status_code == answers[role]
