"""The committee pack: the quarterly KPI report as a PDF, from the same figures as the KPI page.

The page, the XLSX and this PDF all read one `Kpi` (selectors/kpi.py), so
their numbers cannot differ. WeasyPrint turns HTML and CSS into the PDF; it
runs no JavaScript, so the charts are drawn here as SVG (dashboard/charts.py)
on the same fitted axes as the page's Chart.js charts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core.claims import claim_once
from core.mail import send_templated_mail
from people.models import Colleague, Team

from .charts import line_chart_svg
from .models import CommitteePackSend
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
    monthly, quarterly = kpi_trends(kpi.last_day, teams=teams)
    return Pack(kpi=kpi, quarterly=quarterly, monthly=monthly)


def kpi_trends(last_day: dt.date, *, teams: QuerySet | None) -> tuple[Trend, Trend]:
    """The monthly and quarterly trends up to a quarter's last day, for whole teams (None: everyone)."""
    whole = Team.objects.all() if teams is None else teams
    lines = list(whole.order_by("name").values_list("pk", "name")[: MAX_TEAM_LINES + 1])
    if len(lines) > MAX_TEAM_LINES or len(lines) == 1:
        lines = []  # too many to read apart (the tables name every team), or one: the overall line
    return compliance_trends(
        day=last_day,
        overall_label="Whole organisation" if teams is None else "All teams",
        teams=teams,
        lines=lines,
    )


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


def _team_rows(kpi: Kpi) -> list[tuple[str, list[int | None], int, int]]:
    """One row per team: % met per requirement, requirements not met, colleagues overdue.

    One line a team rather than one a team and requirement: 400 teams fit in
    a few pages a committee can read, and the PDF is laid out in seconds.
    """
    rows = []
    for team in kpi.at_end.teams:
        counts = [team.requirements.get(code) for code, _ in kpi.at_end.requirements]
        rows.append(
            (
                team.label,
                [c.percent_met if c else None for c in counts],
                team.all_requirements.not_met,
                team.people_overdue,
            )
        )
    return rows


def pack_html(pack: Pack) -> str:
    kpi = pack.kpi
    return render_to_string(
        "dashboard/pack.html",
        {
            "pack": pack,
            "kpi": kpi,
            "codes": [code for code, _ in kpi.at_end.requirements],
            "team_rows": _team_rows(kpi),
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


# Sending the pack to the committee once a quarter.

# A missed day (worker or scheduler down) still sends this many days late, no later:
# a pack arriving a month late would only confuse.
PACK_CATCH_UP_DAYS = 7


def _easter(year: int) -> dt.date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 19 * l) // 433
    month = (h + l - 7 * m + 90) // 25
    return dt.date(year, month, (h + l - 7 * m + 33 * month + 19) % 32)


def _quarter_start_holidays(year: int) -> set[dt.date]:
    """England and Wales bank holidays that can fall in a quarter's first days.

    Only these can: New Year's Day (moved to Monday when it is a weekend),
    Good Friday and Easter Monday (Easter can be as early as 22 March). July
    and October start with none.
    """
    new_year = dt.date(year, 1, 1)
    while new_year.weekday() >= 5:
        new_year += dt.timedelta(days=1)
    easter = _easter(year)
    return {new_year, easter - dt.timedelta(days=2), easter + dt.timedelta(days=1)}


def first_working_day_after(day: dt.date) -> dt.date:
    """The first weekday after `day` that is not a bank holiday (for a quarter's end, see above)."""
    candidate = day + dt.timedelta(days=1)
    while candidate.weekday() >= 5 or candidate in _quarter_start_holidays(candidate.year):
        candidate += dt.timedelta(days=1)
    return candidate


def pack_due_on(today: dt.date) -> Quarter | None:
    """The quarter whose pack goes out on `today`: the first working day after it ends, or a few days late."""
    quarter = Quarter.containing(today).previous()
    due = first_working_day_after(quarter.end)
    return quarter if due <= today <= due + dt.timedelta(days=PACK_CATCH_UP_DAYS) else None


def committee_pack_send(*, today: dt.date) -> str | None:
    """Email the last quarter's pack to COMMITTEE_PACK_RECIPIENTS if it is due today and not yet sent.

    Claimed like the reminders (core.claims): claim and send in one
    transaction, so a second run, a second worker or a retry sends nothing,
    and a failed send leaves no claim behind. Returns the quarter sent.
    """
    quarter = pack_due_on(today)
    recipients = list(settings.COMMITTEE_PACK_RECIPIENTS)
    if quarter is None or not recipients:
        return None
    with transaction.atomic():
        if claim_once(CommitteePackSend, quarter=str(quarter), recipients=", ".join(recipients)) is None:
            return None
        pack = pack_build(Colleague.objects.all(), quarter, today, teams=None)
        send_templated_mail(
            to=recipients,
            template="dashboard/email/committee_pack",
            context={"kpi": pack.kpi},
            attachments=[(pack.filename, pack_pdf(pack), "application/pdf")],
        )
    return str(quarter)
