"""Policy to training: each requirement cites its version and clause; a new version changes them from its date."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.enums import Status
from compliance.models import Requirement
from compliance.selectors import compliance_on
from core.access import AccessGroup
from people.models import Colleague
from policies import services
from policies.models import Policy, PolicyVersion
from tests.factories import ColleagueFactory, record

from .helpers import review_ready_to_publish, user_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def version_3(reference, settings, tmp_path):
    """Version 3 of the Hate Harassment Policy, in effect from 01/05/2027."""
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(dt.datetime(2027, 4, 25, 9, tzinfo=dt.UTC)):
        review = review_ready_to_publish(
            Policy.objects.get(slug="hate-harassment"),
            started_on=dt.date(2027, 1, 4),
            forum_on=dt.date(2027, 4, 8),
        )
        return services.review_publish(
            review=review,
            change_summary="Refresher every 12 months for officers.",
            effective_from=dt.date(2027, 5, 1),
        )


def statuses(colleague, day) -> dict[str, tuple[Status, dt.date | None]]:
    [found] = compliance_on(Colleague.objects.filter(pk=colleague.pk), day)
    return {s.code: (s.status, s.due_date) for s in found.statuses}


def test_new_version_changes_a_requirement_from_its_effective_date_only(version_3):
    officer = ColleagueFactory(role="NHO", start_date=dt.date(2020, 1, 1))
    record(officer, "BTEC2-CSC", "2020-06-01")
    record(officer, "HC-REFRESHER", "2026-06-01")
    old = Requirement.objects.get(code="HATE-REFRESHER")
    new = services.requirement_revise(
        requirement=old,
        version=version_3,
        code="HATE-REFRESHER-V3",
        clause="6.0 Colleague Training",
        recurrence_months=12,
    )
    old.refresh_from_db()
    assert (old.in_force_from, old.in_force_until, old.policy_version) == (
        dt.date(2015, 5, 1),
        dt.date(2027, 4, 30),
        "2",
    )
    assert (new.in_force_from, new.in_force_until, new.policy_version, new.clause, new.recurrence_months) == (
        dt.date(2027, 5, 1),
        None,
        "3",
        "6.0 Colleague Training",
        12,
    )
    assert set(new.roles.values_list("code", flat=True)) == {"NHO", "CSO"}
    assert set(new.gates.values_list("code", flat=True)) == {"hate_crime"}
    # The day before version 3: judged by version 2's two-year refresher.
    assert statuses(officer, dt.date(2027, 4, 30)) == {
        "BTEC-L2": (Status.COMPLIANT, None),
        "HATE-REFRESHER": (Status.COMPLIANT, dt.date(2028, 6, 1)),
    }
    # From version 3's effective date: the yearly refresher, due a year after the last one.
    assert statuses(officer, dt.date(2027, 5, 1)) == {
        "BTEC-L2": (Status.COMPLIANT, None),
        "HATE-REFRESHER-V3": (Status.DUE_SOON, dt.date(2027, 6, 1)),
    }
    # An audit of an earlier date still gives the answer given then.
    assert statuses(officer, dt.date(2026, 12, 1))["HATE-REFRESHER"] == (
        Status.COMPLIANT,
        dt.date(2028, 6, 1),
    )


def test_requirement_cannot_change_with_a_draft_version(reference):
    draft = PolicyVersion.objects.create(policy=Policy.objects.get(slug="hate-harassment"), version="9")
    with pytest.raises(ValidationError, match="publish the version first"):
        services.requirement_revise(
            requirement=Requirement.objects.get(code="BTEC-L2"),
            version=draft,
            code="BTEC-L2-V9",
            clause="6.0",
        )
    assert Requirement.objects.count() == 4


def test_version_page_replaces_a_requirement(client, version_3):
    url = reverse("policies:version", args=["hate-harassment", "3"])
    with time_machine.travel(dt.datetime(2027, 5, 2, 9, tzinfo=dt.UTC)):
        client.force_login(user_in(AccessGroup.HR))
        response = client.post(
            url,
            {
                "requirement": Requirement.objects.get(code="HATE-REFRESHER").pk,
                "code": "HATE-REFRESHER-V3",
                "clause": "6.0 Colleague Training",
                "first_due_months": "12",
                "recurrence_months": "12",
            },
        )
        assert response.status_code == 302
        page = client.get(url).content.decode()
    assert "HATE-REFRESHER-V3" in page
    assert Requirement.objects.get(code="HATE-REFRESHER").in_force_until == dt.date(2027, 4, 30)


@pytest.fixture
def officers(reference):
    def make(n: int):
        for i in range(n):
            officer = ColleagueFactory(role="NHO" if i % 2 == 0 else "CSO", start_date=dt.date(2024, 1, 1))
            if i % 3 == 0:
                record(officer, "BTEC3-CSCNM", "2024-06-01")
                record(officer, "HC-REFRESHER", "2025-09-01")

    return make


@time_machine.travel(dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC))
def test_policy_page_shows_each_requirement_and_todays_compliance(client, officers):
    officers(6)  # NHO: 0, 2, 4 (0 trained); CSO: 1, 3, 5 (3 trained)
    client.force_login(user_in(AccessGroup.POLICY_OWNER))
    response = client.get(reverse("policies:detail", args=["hate-harassment"]))
    assert response.status_code == 200
    found = {
        item.requirement.code: (
            item.requirement.policy_version,
            item.requirement.clause,
            item.met,
            item.total,
            item.counts,
        )
        for item in response.context["requirements"]
    }
    assert found == {
        "BTEC-L2": ("2", "6.0 Colleague Training", 1, 3, {Status.COMPLIANT: 1, Status.OVERDUE: 2}),
        "BTEC-L3": ("2", "6.0 Colleague Training", 1, 3, {Status.COMPLIANT: 1, Status.OVERDUE: 2}),
        "BTEC-L5": ("2", "6.0 Colleague Training", 0, 0, {}),
        "HATE-REFRESHER": ("2", "6.0 Colleague Training", 2, 6, {Status.COMPLIANT: 2, Status.OVERDUE: 4}),
    }
    assert 'data-met="2" data-total="6"' in response.content.decode()
    # All three figures (docs/rules.md §5): nobody here is inside an induction year.
    assert "2 of 6 (33%)<br><small>0 on track, 4 not met</small>" in response.content.decode()


@pytest.mark.parametrize("count", [1, 12])
@time_machine.travel(dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC))
def test_policy_page_costs_a_fixed_number_of_queries(client, officers, count):
    officers(count)
    client.force_login(user_in(AccessGroup.HR))
    client.get(reverse("policies:detail", args=["hate-harassment"]))  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("policies:detail", args=["hate-harassment"])).status_code == 200
    # session, user, HR's second-factor device, groups 4; policy + related, amendments, versions, documents,
    # open reviews 6; register row 3; requirements + roles 2; the engine 13 (catalogue 7, facts 6);
    # the idle-timeout stamp saved to the session 3.
    assert len(queries) == 31
