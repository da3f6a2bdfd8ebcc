"""Axes fitted to the figures, the SVG the pack draws, and the trends month by month and quarter by quarter."""

import xml.etree.ElementTree as ET

import pytest

from dashboard.access import Scope
from dashboard.charts import Axis, fitted_axis, line_chart_svg
from dashboard.selectors.dashboard import dashboard_trends, live_figures
from dashboard.services import snapshot_backfill
from people.models import Colleague
from tests.organisation import TODAY

EVERYONE = Scope(Colleague.objects.all(), everyone=True)


@pytest.mark.parametrize(
    ("values", "percent", "axis"),
    [
        ([62, 79, None, 70], True, Axis(60, 80, 5)),  # the 62-79% range, not flattened on 0-100
        ([40.0, 50.0], True, Axis(40, 50, 2)),
        ([97, 100], True, Axis(95, 100, 1)),
        ([100, 100], True, Axis(95, 100, 1)),
        ([0, 3], True, Axis(0, 5, 1)),
        ([3, 14], False, Axis(0, 15, 5)),  # counts start at zero
        ([120, 480], False, Axis(0, 500, 100)),
        ([0, 0], False, Axis(0, 1, 1)),
        ([None, None], True, Axis(0, 100, 20)),
        ([], False, Axis(0, 5, 1)),
    ],
)
def test_the_axis_fits_the_figures(values, percent, axis):
    assert fitted_axis(values, percent=percent) == axis


def test_ticks():
    assert Axis(60, 80, 5).ticks == [60, 65, 70, 75, 80]


def test_the_svg_chart_draws_each_series_with_gaps_where_there_is_no_figure():
    svg = line_chart_svg(
        ["Q1 2026", "Q2 2026", "Q3 2026"],
        [("Whole organisation", [70.0, None, 75.5]), ("North <&>", [60.0, 65.0, 68.0])],
        Axis(60, 80, 5),
        unit="%",
        title="Met & more",
    )
    root = ET.fromstring(svg)  # noqa: S314 - our own SVG: well-formed, labels escaped
    ns = "{http://www.w3.org/2000/svg}"
    lines = root.findall(f"{ns}polyline")
    # The first series is broken by its gap into two one-point runs; the second is one line.
    assert [len(p.get("points").split()) for p in lines] == [1, 1, 3]
    texts = [t.text for t in root.findall(f"{ns}text")]
    assert texts[:5] == ["60%", "65%", "70%", "75%", "80%"]
    assert "North <&>" in texts
    assert root.get("aria-label") == "Met & more"


@pytest.mark.django_db
def test_the_quarterly_trend_reads_the_last_snapshot_of_each_quarter(org):
    snapshot_backfill(until=TODAY, months=24)
    monthly, quarterly = dashboard_trends(EVERYONE, TODAY)
    assert quarterly.months == [
        "Q3 2024",
        "Q4 2024",
        "Q1 2025",
        "Q2 2025",
        "Q3 2025",
        "Q4 2025",
        "Q1 2026",
        "Q2 2026",
    ]
    assert [str(d) for d in quarterly.days] == [
        "2024-09-30",
        "2024-12-31",
        "2025-03-31",
        "2025-06-30",
        "2025-09-30",
        "2025-12-31",
        "2026-03-31",
        "2026-06-01",
    ]
    assert [s.label for s in quarterly.overdue] == ["Whole organisation", "North", "South"]
    for i, day in enumerate(quarterly.days):
        figures = live_figures(EVERYONE, day)
        teams = {t.name: t.all_requirements for t in figures.teams}
        assert quarterly.series[0].points[i] == round(100 * figures.overall.met / figures.overall.total, 1)
        assert quarterly.overdue[0].points[i] == figures.overall.not_met
        assert quarterly.overdue[1].points[i] == (teams["North"].not_met if "North" in teams else None)
    assert monthly.overdue[0].points[-1] == quarterly.overdue[0].points[-1] == 3
    chart = quarterly.chart()
    assert chart["met"]["axis"] == [quarterly.met_axis.low, quarterly.met_axis.high, quarterly.met_axis.step]
