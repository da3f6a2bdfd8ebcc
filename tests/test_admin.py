import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.factories import ColleagueFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "admin:people_colleague_changelist",
    "admin:people_team_changelist",
    "admin:people_role_changelist",
    "admin:training_course_changelist",
    "admin:training_equivalence_changelist",
    "admin:training_trainingrecord_changelist",
    "admin:compliance_requirement_changelist",
    "admin:compliance_casetype_changelist",
    "admin:compliance_waiver_changelist",
    "admin:policies_policy_changelist",
    "admin:policies_policyamendment_changelist",
]


@pytest.fixture
def admin_client(client, reference):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_lists_open_with_search(admin_client, name):
    ColleagueFactory(role="NHO")
    response = admin_client.get(reverse(name), {"q": "a"})
    assert response.status_code == 200


@time_machine.travel(dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC))
def test_colleague_page_shows_each_requirements_status_today(admin_client):
    a = ColleagueFactory(role="NHO", start_date=dt.date(2026, 1, 10))
    response = admin_client.get(reverse("admin:people_colleague_change", args=[a.pk]))
    html = response.content.decode()
    assert "<strong>BTEC-L2</strong>: Pending (due 10 Jan 2027" in html
    assert "<strong>HATE-REFRESHER</strong>: Pending (due 10 Jan 2027" in html
