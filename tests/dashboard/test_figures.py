"""The dashboard's figures: the engine's answers counted, the same from the stored summary as live."""

import datetime as dt

import pytest

from dashboard.access import Scope, scope_for
from dashboard.selectors.dashboard import dashboard_figures, live_figures
from dashboard.selectors.figures import DropOut
from dashboard.services import summary_rebuild, summary_refresh_colleagues
from people.access import colleagues_for
from people.models import Colleague
from tests.factories import record
from tests.organisation import TODAY

pytestmark = pytest.mark.django_db
EVERYONE = Scope(Colleague.objects.all(), everyone=True)


def shape(figures):
    """Everything a reader sees, in plain values, to compare two sources."""
    return (
        figures.day,
        figures.requirements,
        figures.case_types,
        [
            (
                t.name,
                t.team_id,
                {code: c.as_tuple() for code, c in sorted(t.requirements.items())},
                {code: (c.officers, c.eligible, c.supervised, c.later) for code, c in t.eligibility.items()},
                t.people_overdue,
                t.people_due_soon,
            )
            for t in figures.teams
        ],
        figures.drop_outs,
        figures.drop_outs_total,
    )


def test_counts_by_team_and_requirement_follow_the_engine(org):
    figures = dashboard_figures(EVERYONE, TODAY)
    assert figures.source == "live"
    teams = {t.name: t for t in figures.teams}
    assert list(teams) == ["North", "South"]
    # (compliant, due soon, overdue, pending, exempt, due soon with a current completion)
    assert {code: c.as_tuple() for code, c in teams["North"].requirements.items()} == {
        "BTEC-L2": (1, 0, 0, 1, 0, 0),
        "BTEC-L3": (1, 0, 0, 0, 0, 0),
        "HATE-REFRESHER": (0, 1, 1, 1, 0, 1),
    }
    assert {code: c.as_tuple() for code, c in teams["South"].requirements.items()} == {
        "BTEC-L2": (1, 0, 1, 0, 0, 0),
        "HATE-REFRESHER": (1, 0, 1, 0, 0, 0),
    }
    assert (teams["North"].people_overdue, teams["North"].people_due_soon) == (1, 1)
    assert (teams["South"].people_overdue, teams["South"].people_due_soon) == (1, 0)
    assert figures.overall.as_tuple() == (4, 1, 3, 2, 0, 1)
    # N3's refresher is due soon but renewed and still current: met, not "on track".
    assert (figures.overall.met, figures.overall.on_track, figures.overall.not_met) == (5, 2, 3)
    assert figures.overall.percent_met == 50


def test_officers_eligible_now_and_if_nobody_trains(org):
    figures = dashboard_figures(EVERYONE, TODAY)
    teams = {t.name: t.eligibility["hate_crime"] for t in figures.teams}
    # North: N1 overdue (out), N2 in induction (supervised), N3 due soon; N3 lapses on 15 Jul (day 44).
    assert (teams["North"].officers, teams["North"].eligible, teams["North"].supervised) == (3, 2, 1)
    assert teams["North"].horizons == [(30, 2), (60, 1), (90, 1)]
    assert (teams["South"].officers, teams["South"].eligible, teams["South"].supervised) == (2, 1, 0)
    assert teams["South"].horizons == [(30, 1), (60, 1), (90, 1)]
    assert figures.drop_outs == [
        DropOut(org.people["N3"].pk, "N3", "Chloe Carter", "North", "hate_crime", 60, dt.date(2026, 7, 15))
    ]


def test_a_forecast_ignores_training_recorded_after_the_day(org):
    # A refresher booked for next month is not yet done on the day asked about.
    record(org.people["N3"], "HC-REFRESHER", "2026-07-01")
    on_the_day = dashboard_figures(EVERYONE, dt.date(2026, 6, 1))
    north = next(t for t in on_the_day.teams if t.name == "North").eligibility["hate_crime"]
    assert north.horizons == [(30, 2), (60, 1), (90, 1)]


def test_the_summary_gives_the_same_figures_as_the_engine(org):
    live = dashboard_figures(EVERYONE, TODAY)
    summary_rebuild(day=TODAY)
    stored = dashboard_figures(EVERYONE, TODAY)
    assert stored.source == "summary"
    assert shape(stored) == shape(live)


@pytest.mark.parametrize("who", ["north", "south"])
def test_a_managers_figures_from_the_summary_match_the_engine_over_their_scope(org, who):
    scope = scope_for(org.users[who])
    live = dashboard_figures(scope, TODAY)
    summary_rebuild(day=TODAY)
    stored = dashboard_figures(scope, TODAY)
    assert stored.source == "summary"
    assert shape(stored) == shape(live)
    assert [t.name for t in stored.teams] == ["North" if who == "north" else "South"]


def test_a_team_filter_narrows_both_sources_alike(org):
    live = dashboard_figures(EVERYONE, TODAY, team=org.south)
    summary_rebuild(day=TODAY)
    assert shape(dashboard_figures(EVERYONE, TODAY, team=org.south)) == shape(live)
    assert [t.name for t in live.teams] == ["South"]


def test_another_day_than_the_summarys_is_worked_out_live(org):
    summary_rebuild(day=TODAY)
    figures = dashboard_figures(EVERYONE, dt.date(2025, 12, 31))
    assert figures.source == "live"
    north = next(t for t in figures.teams if t.name == "North")
    # N3 was still current, N1 (due 1 Mar 2026) due soon, N2 in induction, N4 still employed and overdue.
    assert north.requirements["HATE-REFRESHER"].as_tuple() == (1, 1, 1, 1, 0, 1)


def test_a_change_to_one_colleague_refreshes_their_rows(org):
    summary_rebuild(day=TODAY)
    record(org.people["N1"], "HC-REFRESHER", "2026-05-20")
    assert summary_refresh_colleagues(colleague_ids=[org.people["N1"].pk]) == 1
    stored = dashboard_figures(EVERYONE, TODAY)
    assert shape(stored) == shape(live_figures(EVERYONE, TODAY))
    north = next(t for t in stored.teams if t.name == "North")
    assert north.requirements["HATE-REFRESHER"].as_tuple() == (1, 1, 0, 1, 0, 1)
    assert north.eligibility["hate_crime"].eligible == 3


def test_refreshing_before_any_rebuild_does_nothing(org):
    assert summary_refresh_colleagues(colleague_ids=[org.people["N1"].pk]) == 0


def test_colleagues_for_is_the_scope(org):
    scope = scope_for(org.users["north"])
    assert set(scope.colleagues.values_list("employee_number", flat=True)) == set(
        colleagues_for(org.users["north"]).values_list("employee_number", flat=True)
    )
    assert not scope.everyone
    assert list(scope.whole_teams().values_list("name", flat=True)) == ["North"]
