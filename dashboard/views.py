"""Thin views: read the parameters, ask a selector, render. Every page is scoped by `access`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from core.outbox import broker_marked_down
from people.access import colleagues_for
from people.models import Colleague
from privacy.services import export_record

from . import tasks
from .access import (
    figures_required,
    kpi_required,
    kpi_scope_for,
    rebuild_required,
    rebuilds_figures,
    scope_for,
    sees_figures,
    sees_kpi,
)
from .actions import acts_for_colleagues
from .exports import csv_response, xlsx_response
from .filters import OverdueFilter, list_title
from .forms import AsOfForm, DashboardForm, OfficersForm, TeamForm
from .pack import kpi_trends, pack_build, pack_pdf
from .selectors.colleague import colleague_record
from .selectors.dashboard import dashboard_figures, dashboard_trends
from .selectors.eligibility import officers_title
from .selectors.in_hand import matrix_hands
from .selectors.kpi import Quarter, quarterly_kpi, recent_quarters
from .selectors.matrix import training_matrix
from .selectors.officers import officers_page
from .selectors.overdue import (
    EXPORT_HEADER,
    XLSX_HEADER,
    code_names,
    export_values,
    overdue_rows,
    summary_base,
    xlsx_values,
)
from .selectors.people_named import cards_people
from .selectors.summary import latest_run
from .tables import OverdueTable
from .tables_actions import ActionOverdueTable
from .tasks import summary_rebuild_soon

TEAMS_PER_PAGE = 25
ROWS_PER_PAGE = 25


def bad_request(request, *forms) -> HttpResponse:
    """A 400 page naming each parameter that was wrong; nothing is guessed."""
    errors = [(name, list(errs)) for form in forms for name, errs in form.errors.items()]
    return render(request, "dashboard/bad_request.html", {"errors": errors}, status=400)


def _day_context(day, today, computed_at=None, source=None, waiting=False, run=None):
    return {
        # Changes to records not yet in the stored figures this page shows (compliance.changes).
        "changes_waiting": getattr(run, "waiting", None) if source == "summary" else None,
        "day": day,
        "today": today,
        "past": day < today and not waiting,
        "future": day > today,
        "computed_at": computed_at,
        "source": source,
        "waiting": waiting,
    }


def _answer_day(form, today):
    """The day a summary page answers for, the latest run, and whether today's figures are still coming.

    Asked for no day in particular, a page whose nightly figures are not
    worked out yet (just after midnight, or the scheduler is down) shows the
    latest figures, says so, and asks for today's, rather than working out
    the whole organisation while the reader waits. A day asked for is always
    answered for that day.
    """
    run = latest_run()
    if not form.cleaned_data.get("on") and run is not None and run.computed_for < today:
        summary_rebuild_soon()
        return run.computed_for, run, True
    return form.day(), run, False


@require_GET
@login_required
def home(request):
    """The dashboard for those who see figures; everyone else goes to the page that is theirs."""
    user = request.user
    if not sees_figures(user):
        if Colleague.objects.filter(user=user).exists():
            return redirect("me:home")
        if sees_kpi(user):
            return redirect("dashboard:kpi")
        return render(request, "dashboard/nothing.html")
    scope = scope_for(user)
    form = DashboardForm(request.GET, teams=scope.teams(), everyone=scope.everyone)
    if not form.is_valid():
        return bad_request(request, form)
    today = timezone.localdate()
    day, run, waiting = _answer_day(form, today)
    team, order = form.cleaned_data["team"], form.cleaned_data["order"] or "name"
    figures = dashboard_figures(scope, day, team, run=run)
    trend, quarterly = dashboard_trends(scope, day, team)
    teams = list(figures.teams)
    if order == "overdue":
        teams.sort(key=lambda t: (-t.people_overdue, t.name))
    elif order == "compliance":
        teams.sort(
            key=lambda t: (t.all_requirements.percent_met is None, t.all_requirements.percent_met or 0)
        )
    page = Paginator(teams, TEAMS_PER_PAGE).get_page(request.GET.get("page"))
    # The cards' first few people come from the stored summary, so only on its day.
    named = cards_people(scope, team, today) if figures.source == "summary" else None
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "form": form,
            "figures": figures,
            "team": team,
            "teams_page": page,
            "team_rows": [(t, t.lines(figures.requirements)) for t in page.object_list],
            "eligibility_tables": figures.eligibility_tables(page.object_list),
            "trend": trend,
            "quarterly": quarterly,
            "chart": {"monthly": trend.chart(), "quarterly": quarterly.chart()},
            "everyone": scope.everyone,
            "named": named,
            "named_cards": [
                ("overdue", named["overdue"], figures.people_overdue, "Overdue"),
                ("due_soon", named["due_soon"], figures.people_due_soon, "Due soon"),
            ]
            if named
            else [],
            "acts": acts_for_colleagues(user),
            "rebuilds": rebuilds_figures(user),
            **_day_context(day, today, figures.computed_at, figures.source, waiting, run),
        },
    )


def _overdue_query(request):
    scope = scope_for(request.user)
    asof = AsOfForm(request.GET)
    colleagues = None if scope.everyone else scope.colleagues
    filters = OverdueFilter(
        request.GET, queryset=summary_base(colleagues), teams=scope.teams(), everyone=scope.everyone
    )
    valid = asof.is_valid() & filters.is_valid()
    return scope, asof, filters, valid


@require_GET
@figures_required
def overdue(request):
    scope, asof, filters, valid = _overdue_query(request)
    if not valid:
        return bad_request(request, asof, filters.form)
    today = timezone.localdate()
    day, run, waiting = _answer_day(asof, today)
    rows, run = overdue_rows(scope, day, filters, run=run)
    acts = acts_for_colleagues(request.user)
    table = ActionOverdueTable(rows, day=day, today=today, acts=acts, names=code_names())
    RequestConfig(request, paginate={"per_page": ROWS_PER_PAGE}).configure(table)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboard/overdue.html",
        {
            "asof": asof,
            "filters": filters,
            "table": table,
            "title": list_title(filters.form.cleaned_data.get("status")),
            "acts": acts,
            "query": query.urlencode(),
            **_day_context(
                day,
                today,
                run.worked_out_at if run else timezone.now(),
                "summary" if run else "live",
                waiting,
                run,
            ),
        },
    )


@require_GET
@figures_required
def overdue_export(request, fmt):
    scope, asof, filters, valid = _overdue_query(request)
    if not valid:
        return bad_request(request, asof, filters.form)
    today = timezone.localdate()
    day, run, _ = _answer_day(asof, today)
    rows, _ = overdue_rows(scope, day, filters, run=run)
    table = OverdueTable(rows, day=day, today=today, order_by=request.GET.get("sort"))
    ordered = table.data.data
    title = list_title(filters.form.cleaned_data.get("status"))
    name = f"{slugify(title)}-{day.isoformat()}"
    # UK GDPR accountability: who downloaded which colleagues' data, and how much of it.
    export_record(
        user=request.user,
        kind=f"overdue-list.{fmt}",
        rows=len(ordered) if isinstance(ordered, list) else ordered.count(),
        description=f"{name}.{fmt} {request.GET.urlencode()}".strip(),
    )
    if not isinstance(ordered, list):
        ordered = ordered.iterator(chunk_size=5000)
    if fmt == "csv":
        return csv_response(f"{name}.csv", EXPORT_HEADER, (export_values(row) for row in ordered))
    names = code_names()
    values = (xlsx_values(row, names) for row in ordered)
    return xlsx_response(f"{name}.xlsx", [(title[:31], XLSX_HEADER, values)])


@require_GET
@figures_required
def matrix(request):
    scope = scope_for(request.user)
    form = TeamForm(request.GET, teams=scope.teams(), everyone=scope.everyone)
    if not form.is_valid():
        return bad_request(request, form)
    today, day, team = timezone.localdate(), form.day(), form.cleaned_data["team"]
    colleagues = scope.colleagues if team is None else scope.colleagues.filter(team=team)
    result = training_matrix(colleagues, day, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    acts = acts_for_colleagues(request.user) and day == today
    return render(
        request,
        "dashboard/matrix.html",
        {
            "form": form,
            "matrix": result,
            "acts": acts,
            "hands": matrix_hands(result, today),
            "query": query.urlencode(),
            **_day_context(day, today),
        },
    )


@require_GET
@figures_required
def officers(request):
    """The officers behind one of the dashboard's eligibility figures, by name; the same rule counts them."""
    scope = scope_for(request.user)
    form = OfficersForm(request.GET, teams=scope.teams(), everyone=scope.everyone)
    if not form.is_valid():
        return bad_request(request, form)
    today = timezone.localdate()
    day, run, waiting = _answer_day(form, today)
    data = form.cleaned_data
    team = data["team"]
    listed = officers_page(
        scope, data["case_type"], data["show"], day, team and team.pk, request.GET.get("page"), run=run
    )
    run = listed.run
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboard/officers.html",
        {
            "form": form,
            "listed": listed,
            "title": officers_title(
                data["show"],
                form.case_type_name(),
                day=None if day == today or waiting else day,
                team=team and team.name,
            ),
            "query": query.urlencode(),
            **_day_context(
                day,
                today,
                run.worked_out_at if run else timezone.now(),
                "summary" if run else "live",
                waiting,
                run,
            ),
        },
    )


@require_GET
@login_required
def colleague(request, employee_number):
    """One colleague's standing and record; another team's colleague is a 404 whatever the URL."""
    person = get_object_or_404(
        colleagues_for(request.user).select_related("team", "line_manager", "team__manager"),
        employee_number=employee_number,
    )
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return bad_request(request, form)
    today, day = timezone.localdate(), form.day()
    return render(
        request,
        "dashboard/colleague.html",
        {"form": form, "record": colleague_record(person, day), **_day_context(day, today)},
    )


def _quarter(request, today):
    try:
        return Quarter.asked(request.GET.get("quarter"), today), None
    except ValueError as exc:
        return None, str(exc)


def _kpi(request):
    today = timezone.localdate()
    quarter, error = _quarter(request, today)
    if error:
        return (
            None,
            None,
            render(request, "dashboard/bad_request.html", {"errors": [("quarter", [error])]}, status=400),
        )
    scope = kpi_scope_for(request.user)
    return quarterly_kpi(scope.colleagues, quarter, today), scope, None


@require_GET
@kpi_required
def kpi(request):
    # The scope comes with the report: working it out again would cost a manager 3 queries.
    report, scope, error = _kpi(request)
    if error:
        return error
    _, quarterly = kpi_trends(report.last_day, teams=None if scope.everyone else scope.whole_teams())
    return render(
        request,
        "dashboard/kpi.html",
        {
            "kpi": report,
            "quarterly": quarterly,
            "chart": {"quarterly": quarterly.chart()},
            "links": sees_figures(request.user),
            "quarters": recent_quarters(timezone.localdate()),
            "team_rows": [(t, t.lines(report.at_end.requirements)) for t in report.at_end.teams],
        },
    )


@require_GET
@kpi_required
def kpi_export(request):
    report, _, error = _kpi(request)
    if error:
        return error
    return xlsx_response(f"kpi-{report.quarter}.xlsx", kpi_sheets(report))


@require_GET
@kpi_required
def kpi_pack(request):
    """The committee pack for a quarter, as a PDF: the KPI page's figures with charts."""
    today = timezone.localdate()
    quarter, error = _quarter(request, today)
    if error:
        return render(request, "dashboard/bad_request.html", {"errors": [("quarter", [error])]}, status=400)
    scope = kpi_scope_for(request.user)
    built = pack_build(
        scope.colleagues, quarter, today, teams=None if scope.everyone else scope.whole_teams()
    )
    response = HttpResponse(pack_pdf(built), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{built.filename}"'
    return response


def kpi_sheets(report):
    """The KPI workbook: the page's figures (met, on track, not met as compliance.standing reads them)."""
    end, start = report.at_end, report.at_start
    summary = [
        (
            code,
            name,
            s.percent_met if s else None,
            e.percent_met,
            e.met,
            e.on_track,
            s.not_met if s else None,
            e.not_met,
            e.total,
        )
        for code, name, s, e in report.requirement_rows()
    ]
    by_team = [
        (
            t.label,
            code,
            c.met,
            c.on_track,
            c.not_met,
            c.total,
            c.percent_met,
            c.compliant,
            c.due_soon,
            c.overdue,
            c.pending,
            c.exempt,
        )
        for t in end.teams
        for code, _ in end.requirements
        if code in t.requirements
        for c in (t.requirements[code],)
    ]
    refreshers = [
        (r.code, r.name, r.fell_due, r.renewed, r.on_time, r.exempted, r.left, r.rate, r.on_time_rate)
        for r in report.refreshers
    ]
    eligibility = [
        (t.label, code, c.officers, c.eligible, c.supervised)
        for t in end.teams
        for code, c in t.eligibility.items()
    ]
    people = [
        ("Colleagues overdue on at least one requirement", start.people_overdue, end.people_overdue),
        ("Colleagues due soon on at least one requirement", start.people_due_soon, end.people_due_soon),
    ]
    return [
        (
            "Compliance by requirement",
            (
                "requirement",
                "name",
                f"% met {report.first_day}",
                f"% met {report.last_day}",
                f"met {report.last_day}",
                f"on track {report.last_day}",
                f"not met {report.first_day}",
                f"not met {report.last_day}",
                "statuses",
            ),
            summary,
        ),
        ("Summary", ("requirement", "name", "summary"), report.paragraphs()),
        ("People", ("measure", str(report.first_day), str(report.last_day)), people),
        (
            "By team and requirement",
            (
                "team",
                "requirement",
                "met",
                "on track",
                "not met",
                "total",
                "% met",
                "compliant",
                "due soon",
                "overdue",
                "pending",
                "exempt",
            ),
            by_team,
        ),
        (
            "Refresher completion",
            (
                "requirement",
                "name",
                "fell due",
                "renewed",
                "on time",
                "exempted",
                "left or moved",
                "% renewed",
                "% on time",
            ),
            refreshers,
        ),
        (
            "Eligible officers",
            ("team", "case type", "officers", "eligible", "under supervision"),
            eligibility,
        ),
    ]


@require_POST
@rebuild_required
def summary_rebuild(request):
    transaction.on_commit(tasks.summary_rebuild.delay)
    if broker_marked_down():
        # Kept in the outbox (core/outbox.py): it runs once the task queue answers again.
        messages.warning(
            request,
            "The background worker cannot be reached just now: the figures will be worked out again "
            "as soon as it is back. The figures shown are the latest worked out.",
        )
    else:
        messages.success(request, "The figures are being worked out again; reload in a minute.")
    return redirect("dashboard:home")
