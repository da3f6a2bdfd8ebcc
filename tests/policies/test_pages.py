"""The register and the policy owner's own list: content, scope and a fixed number of queries."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.access import AccessGroup
from policies import services
from policies.models import Policy
from policies.rules import ReviewStatus

from .helpers import make_policy, post_held_by, user_in

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC)


@pytest.fixture
def owner(reference):
    director = user_in(AccessGroup.POLICY_OWNER, username="director", first_name="Dee", last_name="Rector")
    post_held_by(director)
    return director


@time_machine.travel(NOW)
def test_register_shows_each_cover_sheet_with_its_status(client, owner):
    make_policy("lettings", forum_endorsed_on=dt.date(2023, 10, 2))
    client.force_login(user_in(AccessGroup.AUDITOR))
    response = client.get(reverse("policies:register"))
    rows = {
        r.policy.slug: (r.policy.owner, r.next_review, r.status, r.days_left)
        for r in response.context["rows"]
    }
    assert rows == {
        "anti-social-behaviour": ("", None, ReviewStatus.CURRENT, None),
        "domestic-abuse": ("", None, ReviewStatus.CURRENT, None),
        "hate-harassment": ("Communities Director", dt.date(2029, 2, 6), ReviewStatus.CURRENT, 801),
        "lettings": ("", dt.date(2026, 10, 2), ReviewStatus.OVERDUE, -57),
        "tenancy": ("", None, ReviewStatus.CURRENT, None),
    }
    html = response.content.decode()
    assert "Dee Rector" in html and "post vacant" in html
    assert "Related: Anti-Social Behaviour Policy, Domestic Abuse Policy, Tenancy Policy" in html


@time_machine.travel(NOW)
def test_policy_owner_sees_the_policies_of_the_posts_they_hold(client, owner):
    other = post_held_by(user_in(AccessGroup.POLICY_OWNER), title="Housing Director")
    make_policy("lettings", owner=other)
    make_policy(
        "rent-arrears",
        owner=Policy.objects.get(slug="hate-harassment").owner_post,
        forum_endorsed_on=dt.date(2024, 3, 15),
    )
    client.force_login(owner)
    response = client.get(reverse("policies:mine"))
    assert [(r.policy.slug, r.status) for r in response.context["rows"]] == [
        ("hate-harassment", ReviewStatus.CURRENT),
        ("rent-arrears", ReviewStatus.DUE_SOON),
    ]


@time_machine.travel(NOW)
def test_sponsor_post_holder_sees_the_policy_as_theirs_too(client, reference):
    coo = user_in(AccessGroup.POLICY_OWNER, username="coo")
    post_held_by(coo, title="Chief Operating Officer")
    client.force_login(coo)
    assert [r.policy.slug for r in client.get(reverse("policies:mine")).context["rows"]] == [
        "hate-harassment"
    ]
    assert client.get(reverse("policies:review_start", args=["hate-harassment"])).status_code == 200


@pytest.mark.parametrize("extra", [0, 20])
@pytest.mark.parametrize("name", ["policies:register", "policies:mine"])
@time_machine.travel(NOW)
def test_register_pages_cost_a_fixed_number_of_queries(client, owner, name, extra):
    post = Policy.objects.get(slug="hate-harassment").owner_post
    for n in range(extra):
        policy = make_policy(f"extra-{n}", owner=post, forum_endorsed_on=dt.date(2024, 1, n + 1))
        policy.related_policies.add(Policy.objects.get(slug="tenancy"))
        if n % 2:
            services.review_start(policy=policy, trigger="scheduled")
    client.force_login(owner)
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name)).status_code == 200
    # session, user, groups; policies with posts and holders, related policies, open reviews with versions;
    # the idle-timeout stamp saved to the session (savepoint, update, release).
    assert len(queries) == 9


@time_machine.travel(NOW)
def test_reschedule_from_the_policy_page_needs_a_reason(client, owner):
    client.force_login(owner)
    url = reverse("policies:reschedule", args=["hate-harassment"])
    client.post(url, {"next_review": "2028-06-30", "reason": ""})
    assert Policy.objects.get(slug="hate-harassment").next_review_date == dt.date(2029, 2, 6)
    client.post(url, {"next_review": "30/06/2028", "reason": "New hate crime legislation"})
    policy = Policy.objects.get(slug="hate-harassment")
    assert (policy.next_review_date, policy.next_review_override_reason) == (
        dt.date(2028, 6, 30),
        "New hate crime legislation",
    )
    page = client.get(reverse("policies:detail", args=["hate-harassment"])).content.decode()
    assert "Set by hand: New hate crime legislation" in page
    assert "Computed date: 6 Feb 2029" in page


@time_machine.travel(NOW)
def test_clearing_the_date_of_a_policy_never_reviewed_says_there_is_none(client, owner):
    # The Tenancy Policy has never been endorsed: back to the computed date is back to no date.
    client.force_login(user_in(AccessGroup.HR))
    response = client.post(reverse("policies:reschedule", args=["tenancy"]), {"next_review": ""}, follow=True)
    assert response.status_code == 200
    assert "No next review date is set." in response.content.decode()
    assert Policy.objects.get(slug="tenancy").next_review_date is None
