"""The summary follows the records: each committed change is applied by the next drain (compliance.changes)."""

import datetime as dt

import pytest

from compliance.changes import changes_drain
from compliance.models import Requirement
from dashboard.models import StatusSummary, SummaryRun, TeamSummary
from dashboard.services import summary_rebuild
from tests.factories import record
from tests.organisation import TODAY

pytestmark = pytest.mark.django_db


def refresher_of(number):
    return StatusSummary.objects.get(employee_number=number, requirement_code="HATE-REFRESHER").status


def test_new_training_refreshes_the_colleague_at_the_next_drain(org):
    summary_rebuild(day=TODAY)
    changes_drain()
    record(org.people["N1"], "SHUK-HATE", "2026-05-30")
    record(org.people["N1"], "HC-REFRESHER", "2026-05-31")
    assert refresher_of("N1") == "overdue"  # nothing is applied until the drain
    # Two writes, one colleague to refresh.
    assert changes_drain().colleague_ids == {org.people["N1"].pk}
    assert refresher_of("N1") == "compliant"
    north = TeamSummary.objects.get(team=org.north).figures
    assert north["requirements"]["HATE-REFRESHER"] == [1, 1, 0, 1, 0, 1]


def test_a_deleted_record_and_a_moved_colleague(org):
    summary_rebuild(day=TODAY)
    org.people["S1"].training_records.filter(course__code="HC-REFRESHER").delete()
    changes_drain()
    assert refresher_of("S1") == "overdue"  # the 2018 BTEC lapsed as a refresher in 2020
    s1 = org.people["S1"]
    s1.team = org.north
    s1.save()
    changes_drain()
    row = StatusSummary.objects.get(employee_number="S1", requirement_code="BTEC-L2")
    assert (row.team_id, row.team_name) == (org.north.pk, "North")
    # Both teams' stored counts moved with her.
    assert TeamSummary.objects.get(team=org.south).figures["requirements"]["BTEC-L2"] == [0, 0, 1, 0, 0, 0]
    assert TeamSummary.objects.get(team=org.north).figures["requirements"]["BTEC-L2"] == [2, 0, 0, 1, 0, 0]


def test_a_renamed_team_renames_its_rows(org):
    summary_rebuild(day=TODAY)
    changes_drain()
    org.south.name = "South and East"
    org.south.save()
    assert changes_drain().colleague_ids == set(org.south.colleagues.values_list("pk", flat=True))
    assert set(StatusSummary.objects.filter(team=org.south).values_list("team_name", flat=True)) == {
        "South and East"
    }


def test_a_catalogue_change_rebuilds_everyone(org):
    changes_drain()
    summary_rebuild(day=TODAY)
    first = SummaryRun.objects.get()
    requirement = Requirement.objects.get(code="HATE-REFRESHER")
    requirement.in_force_until = dt.date(2026, 5, 31)
    requirement.save()
    assert changes_drain().everyone
    assert SummaryRun.objects.exclude(pk=first.pk).count() == 1
    assert not StatusSummary.objects.filter(requirement_code="HATE-REFRESHER").exists()


def test_nothing_happens_before_the_first_rebuild(org):
    record(org.people["N1"], "HC-REFRESHER", "2026-05-31")
    changes_drain()
    assert not StatusSummary.objects.exists()
    assert not SummaryRun.objects.exists()


def test_hr_can_ask_for_the_figures_again(org, client, django_capture_on_commit_callbacks):
    client.force_login(org.users["hr"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/figures/rebuild/")
    assert response.status_code == 302
    assert SummaryRun.objects.get().computed_for == TODAY


def test_before_todays_figures_are_ready_pages_show_the_latest_and_ask_for_todays(
    org, client, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.clear()
    yesterday = TODAY - dt.timedelta(days=1)
    changes_drain()
    summary_rebuild(day=yesterday)
    client.force_login(org.users["hr"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/")
        listed = client.get("/overdue/")
    assert (response.context["day"], response.context["waiting"], response.context["figures"].source) == (
        yesterday,
        True,
        "summary",
    )
    assert "Today's are being worked out" in response.content.decode()
    assert (listed.context["day"], listed.context["waiting"]) == (yesterday, True)
    # One rebuild asked for, however many pages noticed.
    assert list(SummaryRun.objects.values_list("computed_for", flat=True).order_by("pk")) == [
        yesterday,
        TODAY,
    ]
    # A day asked for is answered for that day.
    assert client.get("/", {"on": yesterday.isoformat()}).context["waiting"] is False
