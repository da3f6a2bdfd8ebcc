"""The manager's weekly digest: one email per manager per week, scoped like their pages."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from core.access import AccessGroup
from people.models import Team
from reminders.models import ManagerDigest
from reminders.tasks import manager_digests_send
from tests.factories import ColleagueFactory

from .helpers import exempt, manager_of, morning, officer_due_on

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 6, 1)
# A requirement as the emails name it: in words, the code beside it (as the pages show it).
REFRESHER = "Hate crime refresher every two years (HATE-REFRESHER)"


@pytest.fixture
def run_weekly(django_capture_on_commit_callbacks):
    def run(day: dt.date) -> list:
        before = len(mail.outbox)
        with (
            time_machine.travel(morning(day), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            manager_digests_send.delay()
        return mail.outbox[before:]

    return run


@pytest.fixture
def north(reference):
    """Nora manages North: one officer overdue, one due in 20 days, one fine, one exempt, one who left."""
    user, team = manager_of("North", "nora")
    officer_due_on(MONDAY - dt.timedelta(days=3), team=team, first_name="Olu", last_name="Overdue")
    officer_due_on(MONDAY + dt.timedelta(days=20), team=team, first_name="Sam", last_name="Soon")
    officer_due_on(MONDAY + dt.timedelta(days=200), team=team, first_name="Fin", last_name="Fine")
    excused = officer_due_on(MONDAY - dt.timedelta(days=3), team=team, first_name="Eve", last_name="Exempt")
    exempt(excused, "HATE-REFRESHER", starts_on=MONDAY - dt.timedelta(days=30))
    officer_due_on(
        MONDAY - dt.timedelta(days=3),
        team=team,
        first_name="Lee",
        last_name="Left",
        leaving_date=MONDAY - dt.timedelta(days=10),
    )
    return user


def test_digest_lists_the_managers_teams_only(north, settings, run_weekly):
    settings.SITE_URL = "https://training.example.org"
    _, south = manager_of("South", "sid")
    officer_due_on(MONDAY - dt.timedelta(days=3), team=south, first_name="Other", last_name="Team")
    messages = {m.to[0]: m for m in run_weekly(MONDAY)}
    assert sorted(messages) == ["nora@example.org", "sid@example.org"]
    message = messages["nora@example.org"]
    assert message.subject == "Your teams this week: 1 overdue, 1 due in the next 30 days"
    lines = [line for line in message.body.splitlines() if line.startswith("- ")]
    olu = next(c for c in north_colleagues() if c.first_name == "Olu")
    sam = next(c for c in north_colleagues() if c.first_name == "Sam")
    assert lines == [
        f"- Olu Overdue ({olu.employee_number}, North): {REFRESHER} was due by 29 May 2026, 3 days overdue",
        f"- Sam Soon ({sam.employee_number}, North): {REFRESHER} due by 21 Jun 2026, in 20 days",
    ]
    html = message.alternatives[0][0]
    assert f'<a href="https://training.example.org/colleagues/{olu.employee_number}/">Olu Overdue</a>' in html
    assert f"<td>{REFRESHER}</td><td>29 May 2026</td>" in html
    assert "Other Team" not in message.body + html
    assert "Eve Exempt" not in message.body + html
    assert "Lee Left" not in message.body + html


def north_colleagues():
    from people.models import Colleague

    return Colleague.objects.filter(team__name="North")


def test_digest_one_per_manager_per_week(north, run_weekly):
    assert len(run_weekly(MONDAY)) == 1
    assert run_weekly(MONDAY) == []  # beat fired twice
    assert run_weekly(MONDAY + dt.timedelta(days=2)) == []  # run by hand mid-week
    assert len(run_weekly(MONDAY + dt.timedelta(days=7))) == 1
    assert list(
        ManagerDigest.objects.order_by("week_starting").values_list("week_starting", "overdue_count")
    ) == [
        (MONDAY, 1),
        (MONDAY + dt.timedelta(days=7), 1),
    ]


def test_digest_skipped_when_nothing_to_report_and_for_non_managers(reference, run_weekly):
    _, quiet = manager_of("Quiet", "quinn")
    officer_due_on(MONDAY + dt.timedelta(days=200), team=quiet)
    # HR, with a colleague record in a team someone else manages: nobody reports to them.
    harriet, _ = manager_of("HR team", "harriet", group=AccessGroup.HR)
    officer_due_on(MONDAY - dt.timedelta(days=3), team=harriet.colleague.team, line_manager=None)
    Team.objects.filter(pk=harriet.colleague.team_id).update(manager=None)
    assert run_weekly(MONDAY) == []
    assert ManagerDigest.objects.count() == 0


def test_digest_reaches_managers_by_the_reporting_lines_not_the_group(reference, run_weekly):
    """Issue 16: a manager is whoever has colleagues reporting to them; no one puts them in a group."""
    _, hr_team = manager_of("HR team", "harriet", group=AccessGroup.HR)
    officer_due_on(MONDAY - dt.timedelta(days=3), team=hr_team)
    assert [m.to for m in run_weekly(MONDAY)] == [["harriet@example.org"]]


def test_digest_manager_who_has_left_gets_nothing(north, run_weekly):
    north.colleague.leaving_date = MONDAY - dt.timedelta(days=1)
    north.colleague.save()
    assert run_weekly(MONDAY) == []


def test_digest_reaches_reports_through_other_managers(reference, run_weekly):
    """Scope is people.access.colleagues_for: a head of service sees the teams of the managers below."""
    head, _ = manager_of("Head office", "hana")
    _, east = manager_of("East", "ed")
    east.manager.line_manager = head.colleague
    east.manager.save()
    officer_due_on(MONDAY - dt.timedelta(days=3), team=east, first_name="Deep", last_name="Report")
    ColleagueFactory(team=east)  # no role: no requirement
    messages = {m.to[0]: m for m in run_weekly(MONDAY)}
    assert sorted(messages) == ["ed@example.org", "hana@example.org"]
    assert "Deep Report" in messages["hana@example.org"].body
