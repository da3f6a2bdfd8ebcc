import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from policies import services
from policies.models import Policy, PolicyVersion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "admin:policies_post_changelist",
    "admin:policies_policyversion_changelist",
    "admin:policies_policyreview_changelist",
    "admin:policies_reviewreminder_changelist",
    "admin:policies_reviewcalendarentry_changelist",
]


@pytest.fixture
def admin_client(client, reference):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC)):
        services.review_start(policy=Policy.objects.get(slug="hate-harassment"), trigger="scheduled")
    return client


@pytest.mark.parametrize("name", PAGES)
def test_admin_lists_open_with_search(admin_client, name):
    assert admin_client.get(reverse(name), {"q": "a"}).status_code == 200


def test_admin_offers_a_published_version_read_only(admin_client):
    published = PolicyVersion.objects.get(version="2")
    draft = PolicyVersion.objects.get(version="3")
    url = reverse("admin:policies_policyversion_change", args=[published.pk])
    response = admin_client.get(url)
    assert (response.status_code, response.context["has_change_permission"]) == (200, False)
    assert admin_client.post(url, {"version": "2b"}).status_code == 403
    draft_page = admin_client.get(reverse("admin:policies_policyversion_change", args=[draft.pk]))
    assert draft_page.context["has_change_permission"] is True
    assert PolicyVersion.objects.get(pk=published.pk).version == "2"
