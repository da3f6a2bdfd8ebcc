"""API clients (issue_api_token, the admin) and the decision log's retention."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from integrations.models import ApiClient, Decision
from integrations.services import decision_log_prune, token_hash
from integrations.tasks import decision_log_prune as decision_log_prune_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def issue(*args) -> str:
    out = StringIO()
    call_command("issue_api_token", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_issue_api_token_prints_the_key_alone_on_the_last_line(db):
    printed = issue("case-system")

    key = printed.splitlines()[-1]
    client = ApiClient.objects.get(name="case-system")
    assert client.token_hash == token_hash(key)
    assert client.scopes == ["eligibility"]
    assert len(key) >= 40
    assert " " not in key


def test_issue_api_token_again_rotates_the_key(db):
    old = issue("case-system").splitlines()[-1]
    new = issue("case-system", "--scopes", "eligibility,policies").splitlines()[-1]

    assert old != new
    assert ApiClient.objects.count() == 1
    client = ApiClient.objects.get()
    assert client.scopes == ["eligibility", "policies"]
    assert client.rotated_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Token {old}").get("/api/v1/policies/").status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Token {new}").get("/api/v1/policies/").status_code == 200


def test_issue_api_token_rejects_an_unknown_scope(db):
    with pytest.raises(
        CommandError, match="--scopes: unknown scope admin; known scopes: eligibility, policies"
    ):
        issue("case-system", "--scopes", "eligibility,admin")
    assert ApiClient.objects.count() == 0


@pytest.fixture
def admin_client(client, reference):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def test_admin_creates_a_client_and_shows_its_key_once(admin_client):
    response = admin_client.post(
        "/admin/integrations/apiclient/add/",
        {"name": "case-system", "scopes": ["eligibility", "policies"], "throttle_rate": "100/min"},
        follow=True,
    )

    client = ApiClient.objects.get(name="case-system")
    shown = [str(m) for m in response.context["messages"]]
    key = shown[0].split(" is ")[1].split(" ")[0]
    assert client.token_hash == token_hash(key)
    assert (client.scopes, client.throttle_rate) == (["eligibility", "policies"], "100/min")
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/policies/").status_code == 200
    page = admin_client.get(f"/admin/integrations/apiclient/{client.pk}/change/").content.decode()
    assert key not in page


def test_admin_rejects_a_malformed_rate(admin_client):
    response = admin_client.post(
        "/admin/integrations/apiclient/add/",
        {"name": "x", "scopes": ["eligibility"], "throttle_rate": "lots"},
    )
    assert response.status_code == 200
    assert ApiClient.objects.count() == 0


def test_admin_revokes_a_key(admin_client):
    key = issue("case-system").splitlines()[-1]
    client = ApiClient.objects.get()

    admin_client.post(
        "/admin/integrations/apiclient/", {"action": "revoke", "_selected_action": [client.pk]}, follow=True
    )

    client.refresh_from_db()
    assert client.revoked_at is not None
    assert (
        Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/eligibility/?case_type=hate_crime").status_code
        == 401
    )


@pytest.mark.parametrize(
    "page",
    [
        "/admin/integrations/apiclient/",
        "/admin/integrations/decision/",
        "/admin/integrations/webhook/",
        "/admin/integrations/webhookdelivery/",
    ],
)
def test_admin_pages_open(admin_client, page):
    issue("case-system")
    assert admin_client.get(page).status_code == 200


def test_decision_log_keeps_the_retention_period_and_prunes_older(settings, db):
    settings.API_DECISION_LOG_RETENTION_DAYS = 30
    client = ApiClient.objects.create(name="c", token_hash="x" * 64, token_prefix="x")
    now = timezone.now()

    def logged(days_ago):
        return Decision.objects.create(
            client=client,
            employee_number="E1",
            case_type="hate_crime",
            as_of=dt.date(2026, 1, 1),
            eligible=True,
            answered_at=now - dt.timedelta(days=days_ago),
        )

    kept, old = logged(29), logged(31)

    assert decision_log_prune_task.delay().get() == 1
    assert list(Decision.objects.values_list("pk", flat=True)) == [kept.pk]
    assert decision_log_prune(now=now + dt.timedelta(days=2)) == 1
    assert Decision.objects.count() == 0
    assert old.pk != kept.pk


def test_retention_tasks_are_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"integrations.tasks.decision_log_prune", "integrations.tasks.eligibility_changes_daily"} <= tasks
