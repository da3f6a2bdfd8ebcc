"""Nightly snapshots, the backfill that gives a new install its trend, and the 12-month trend itself."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from dashboard.access import Scope, scope_for
from dashboard.models import ComplianceSnapshot, StatusSummary, SummaryRun, TeamSummary
from dashboard.selectors.dashboard import dashboard_trend, live_figures
from dashboard.services import month_ends, snapshot_backfill, summary_rebuild
from dashboard.tasks import summary_nightly
from people.models import Colleague
from tests.organisation import TODAY, build_org

pytestmark = pytest.mark.django_db
EVERYONE = Scope(Colleague.objects.all(), everyone=True)


def test_month_ends():
    assert month_ends(dt.date(2026, 3, 15), 3) == [
        dt.date(2025, 12, 31),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 15),
    ]


def test_backfill_records_a_year_once(org):
    days = snapshot_backfill(until=TODAY, months=12)
    assert days == month_ends(TODAY, 12)
    assert len(days) == 13
    count = ComplianceSnapshot.objects.count()
    assert snapshot_backfill(until=TODAY, months=12) == []
    assert ComplianceSnapshot.objects.count() == count
    assert snapshot_backfill(until=TODAY, months=12, replace=True) == days
    assert ComplianceSnapshot.objects.count() == count


def test_a_snapshot_counts_what_the_engine_says_that_day(org):
    snapshot_backfill(until=TODAY, months=2)
    day = dt.date(2026, 4, 30)
    counted = {
        (s.team.name, s.requirement.code): (
            s.compliant,
            s.due_soon,
            s.overdue,
            s.pending,
            s.exempt,
            s.due_soon_current,
        )
        for s in ComplianceSnapshot.objects.filter(taken_on=day).select_related("team", "requirement")
    }
    live = live_figures(EVERYONE, day)
    assert counted == {(t.name, code): c.as_tuple() for t in live.teams for code, c in t.requirements.items()}


def test_the_trend_reads_one_point_a_month(org):
    snapshot_backfill(until=TODAY, months=12)
    trend = dashboard_trend(EVERYONE, TODAY)
    assert trend.months[0] == "Jul 2025"
    assert trend.months[-1] == "Jun 2026"
    assert [s.label for s in trend.series] == ["Whole organisation", "North", "South"]
    overall = trend.series[0].points
    assert len(overall) == 12
    for day, point in zip(trend.days, overall, strict=True):
        figures = live_figures(EVERYONE, day)
        assert point == round(100 * figures.overall.met / figures.overall.total, 1)
    # Compliant 4, exempt 0, and N3's refresher: due soon but renewed and still current (met).
    assert overall[-1] == 50.0


def test_a_managers_trend_covers_their_whole_teams(org):
    snapshot_backfill(until=TODAY, months=12)
    trend = dashboard_trend(scope_for(org.users["north"]), TODAY)
    # One team: its line is the overall line.
    assert [s.label for s in trend.series] == ["All your teams"]
    # N1 and N3's qualifications, and N3's refresher renewed and still current.
    assert trend.series[0].points[-1] == 50.0


def test_the_trend_is_empty_before_any_snapshot(org):
    trend = dashboard_trend(EVERYONE, TODAY)
    assert trend.empty
    assert all(p is None for p in trend.series[0].points)


def test_commands(org, capsys):
    call_command("snapshot_backfill", "--months", "2", "--until", "2026-06-01")
    assert capsys.readouterr().out == "snapshots recorded for 3 days\n"
    call_command("summary_rebuild", "--date", "2026-06-01")
    assert capsys.readouterr().out == "summary for 2026-06-01: 7 colleagues\n"
    assert SummaryRun.objects.get().computed_for == TODAY


def test_the_nightly_task_builds_the_summary_and_the_snapshot(org):
    assert summary_nightly() == {"computed_for": "2026-06-01", "colleagues": 7}
    assert StatusSummary.objects.count() == 10
    assert TeamSummary.objects.count() == 2
    assert ComplianceSnapshot.objects.filter(taken_on=TODAY).count() == 5


@pytest.mark.worker
def test_the_nightly_task_runs_on_a_real_worker(celery_worker, reference):
    build_org()
    today = timezone.localdate()
    result = summary_nightly.delay().get(timeout=120)
    assert result["computed_for"] == today.isoformat()
    run = SummaryRun.objects.get()
    assert (run.computed_for, run.colleagues) == (today, result["colleagues"])
    assert ComplianceSnapshot.objects.filter(taken_on=today).exists()


def test_beat_runs_the_summary_every_night(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["dashboard-summary-nightly"]
    assert entry["task"] == "dashboard.tasks.summary_nightly"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {5})


def test_seed_demo_leaves_a_full_dashboard(reference):
    call_command("seed_demo", verbosity=0)
    today = timezone.localdate()
    assert SummaryRun.objects.get().computed_for == today
    # Two years of month ends and today: the quarter-on-quarter trend has its 8 quarters.
    assert ComplianceSnapshot.objects.values("taken_on").distinct().count() == 25


def test_the_migration_fills_in_due_soon_current_for_stored_team_counts(org):
    import importlib

    from django.apps import apps

    summary_rebuild(day=TODAY)
    expected = {r.team_id: r.figures for r in TeamSummary.objects.all()}
    # As a summary stored before the sixth number was kept.
    for row in TeamSummary.objects.all():
        row.figures["requirements"] = {c: n[:5] for c, n in row.figures["requirements"].items()}
        row.save()
    migration = importlib.import_module("dashboard.migrations.0002_snapshot_due_soon_current")
    migration.team_counts_fill(apps, None)
    assert {r.team_id: r.figures for r in TeamSummary.objects.all()} == expected
    # N3's refresher: due soon with a current completion.
    assert expected[org.north.pk]["requirements"]["HATE-REFRESHER"][5] == 1
