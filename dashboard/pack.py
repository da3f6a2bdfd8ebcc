"""The committee pack: the quarterly KPI report as a PDF, from the same figures as the KPI page.

The page, the XLSX and this PDF all read one `Kpi` (selectors/kpi.py), so
their numbers cannot differ. WeasyPrint turns HTML and CSS into the PDF; it
runs no JavaScript, so the charts are drawn here as SVG (dashboard/charts.py)
on the same fitted axes as the page's Chart.js charts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from people.models import Team

from .charts import line_chart_svg
from .selectors.kpi import Kpi, Quarter, quarterly_kpi
from .selectors.trend import MAX_TEAM_LINES, Trend, compliance_trends


@dataclass(frozen=True)
class Pack:
    kpi: Kpi
    quarterly: Trend
    monthly: Trend

    @property
    def filename(self) -> str:
        return f"committee-pack-{self.kpi.quarter}.pdf"


def pack_build(colleagues: QuerySet, quarter: Quarter, today: dt.date, *, teams: QuerySet | None) -> Pack:
    """The quarter's figures and the trends up to its last day (whole teams in `teams`; None: everyone)."""
    kpi = quarterly_kpi(colleagues, quarter, today)
    whole = Team.objects.all() if teams is None else teams
    lines = list(whole.order_by("name").values_list("pk", "name")[: MAX_TEAM_LINES + 1])
    if len(lines) > MAX_TEAM_LINES or len(lines) == 1:
        lines = []  # too many to read apart (the tables name every team), or one: the overall line
    monthly, quarterly = compliance_trends(
        day=kpi.last_day,
        overall_label="Whole organisation" if teams is None else "All teams",
        teams=teams,
        lines=lines,
    )
    return Pack(kpi=kpi, quarterly=quarterly, monthly=monthly)


def _svg(trend: Trend, *, overdue: bool, title: str) -> str:
    if trend.empty:
        return ""
    series = trend.overdue if overdue else trend.series
    axis = trend.overdue_axis if overdue else trend.met_axis
    return mark_safe(  # noqa: S308 - built by line_chart_svg, which escapes every label
        line_chart_svg(
            trend.months,
            [(s.label, s.points) for s in series],
            axis,
            unit="" if overdue else "%",
            title=title,
        )
    )


def pack_html(pack: Pack) -> str:
    kpi = pack.kpi
    return render_to_string(
        "dashboard/pack.html",
        {
            "pack": pack,
            "kpi": kpi,
            "team_rows": [(t, t.lines(kpi.at_end.requirements)) for t in kpi.at_end.teams],
            "charts": [
                (
                    "Requirements met, per cent, quarter on quarter",
                    pack.quarterly,
                    False,
                    _svg(pack.quarterly, overdue=False, title="Requirements met each quarter"),
                    "Quarter",
                ),
                (
                    "Requirements overdue, quarter on quarter",
                    pack.quarterly,
                    True,
                    _svg(pack.quarterly, overdue=True, title="Requirements overdue each quarter"),
                    "Quarter",
                ),
                (
                    "Requirements met, per cent, over the last 12 months",
                    pack.monthly,
                    False,
                    _svg(pack.monthly, overdue=False, title="Requirements met each month"),
                    "Month",
                ),
                (
                    "Requirements overdue over the last 12 months",
                    pack.monthly,
                    True,
                    _svg(pack.monthly, overdue=True, title="Requirements overdue each month"),
                    "Month",
                ),
            ],
        },
    )


def pack_pdf(pack: Pack) -> bytes:
    # Imported here: WeasyPrint loads Pango through cffi, which only the pack needs.
    import weasyprint

    return weasyprint.HTML(string=pack_html(pack)).write_pdf()
