"""Reads of the stored summary: the same `Figures` as a live evaluation, in a fixed number of queries.

HR and auditors see everyone: their dashboard reads one stored row per team
(`TeamSummary`). Anyone else sees a set of colleagues that need not be whole
teams: their figures are counted from the colleagues' own summary rows.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from compliance.changes import changes_bring_current
from compliance.enums import Status
from compliance.models import CaseType, Requirement
from compliance.queries import requirements_in_force_on
from people.models import Team

from ..models import EligibilitySummary, StatusSummary, SummaryRun, TeamSummary
from .eligibility import COUNTED, OFFICER_FIGURES
from .figures import DROP_OUT_LIMIT, DropOut, EligibilityCounts, Figures, TeamFigures


def latest_run() -> SummaryRun | None:
    """The latest rebuild of the summary, with every change waiting brought in first if it can be.

    Every reader of the stored summary comes through here, so a page read
    after a write shows it (`changes_bring_current`). What could not be
    brought in now (a large import, a catalogue edit: the worker's job) is
    on `run.waiting`, for the page to say which figures are still coming.
    """
    waiting = changes_bring_current()
    run = SummaryRun.objects.order_by("-finished_at").first()
    if run is not None:
        run.waiting = waiting
    return run


def scoped(queryset: QuerySet, colleagues: QuerySet | None, team_id: int | None = None) -> QuerySet:
    """Summary rows of the colleagues in scope (None: everyone) and, if given, one team."""
    if colleagues is not None:
        queryset = queryset.filter(colleague__in=colleagues)
    if team_id is not None:
        queryset = queryset.filter(team_id=team_id)
    return queryset


def requirements_in_force(day: dt.date) -> list[tuple[int, str, str]]:
    return list(requirements_in_force_on(day).order_by("code").values_list("id", "code", "name"))


def team_figures_counted(statuses: QuerySet, eligibility: QuerySet) -> dict[int | None, TeamFigures]:
    """Counts by team from summary rows (3 queries); teams are named later."""
    codes = dict(Requirement.objects.values_list("id", "code"))
    case_codes = dict(CaseType.objects.values_list("id", "code"))
    teams: dict[int | None, TeamFigures] = {}

    def team(team_id):
        if team_id not in teams:
            teams[team_id] = TeamFigures(name="", team_id=team_id)
        return teams[team_id]

    for t, requirement_id, status, n, current in (
        statuses.values_list("team_id", "requirement_id", "status")
        .annotate(n=Count("id"), current=Count("id", filter=Q(valid_until__isnull=False)))
        .order_by()
    ):
        team(t).requirements[codes[requirement_id]].add(status, n, current)
    for t, overdue, due_soon in (
        statuses.values_list("team_id")
        .annotate(
            n_overdue=Count("colleague", distinct=True, filter=Q(status=Status.OVERDUE)),
            n_due_soon=Count("colleague", distinct=True, filter=Q(status=Status.DUE_SOON)),
        )
        .order_by()
    ):
        team(t).people_overdue, team(t).people_due_soon = overdue, due_soon
    for t, case_type_id, *counts in (
        eligibility.values_list("team_id", "case_type_id")
        .annotate(
            # Each figure by its one rule (selectors/eligibility.py), which the list behind it uses too.
            # Names apart from the fields: an annotation named like a field hides it.
            **{f"n_{show}": Count("id", filter=OFFICER_FIGURES[show].q or None) for show in COUNTED}
        )
        .order_by()
    ):
        team(t).eligibility[case_codes[case_type_id]] = EligibilityCounts.from_counts(counts)
    return teams


def team_figures_stored(team_id: int | None = None) -> dict[int | None, TeamFigures]:
    """Every team's stored counts (or one team's): one query."""
    rows = TeamSummary.objects.all() if team_id is None else TeamSummary.objects.filter(team_id=team_id)
    return {t: TeamFigures.from_json(t, data) for t, data in rows.values_list("team_id", "figures")}


def figures_from_summary(
    run: SummaryRun, *, colleagues: QuerySet | None, team_id: int | None = None
) -> Figures:
    """The dashboard's figures from the summary (7 queries for everyone, 11 for a scope)."""
    requirements = requirements_in_force(run.computed_for)
    case_types = list(CaseType.objects.order_by("code").values_list("code", "name"))
    if colleagues is None:
        teams = team_figures_stored(team_id)
    else:
        teams = team_figures_counted(
            scoped(StatusSummary.objects.all(), colleagues, team_id),
            scoped(EligibilitySummary.objects.all(), colleagues, team_id),
        )
    in_force = {code for _, code, _ in requirements}
    names = dict(Team.objects.filter(pk__in=[t for t in teams if t is not None]).values_list("id", "name"))
    for t, figures in teams.items():
        figures.name = names.get(t, "")
        for code in set(figures.requirements) - in_force:
            del figures.requirements[code]

    dropping = (
        scoped(EligibilitySummary.objects.all(), colleagues, team_id)
        .filter(eligible=True, eligible_in_90=False)
        .annotate(
            within=Case(
                When(eligible_in_30=False, then=Value(30)),
                When(eligible_in_60=False, then=Value(60)),
                default=Value(90),
                output_field=IntegerField(),
            )
        )
    )
    drop_outs = [
        DropOut(
            colleague_id=row[0],
            employee_number=row[1],
            name=f"{row[2]} {row[3]}".strip(),
            team=row[4] or "",
            case_type=row[5],
            within_days=row[6],
            eligible_until=row[7],
        )
        for row in dropping.order_by(
            "within", "eligible_until", "team__name", "colleague__first_name", "colleague__last_name"
        ).values_list(
            "colleague_id",
            "colleague__employee_number",
            "colleague__first_name",
            "colleague__last_name",
            "team__name",
            "case_type__code",
            "within",
            "eligible_until",
        )[:DROP_OUT_LIMIT]
    ]
    return Figures(
        day=run.computed_for,
        source="summary",
        computed_at=run.worked_out_at,
        requirements=[(code, name) for _, code, name in requirements],
        case_types=case_types,
        teams=sorted(teams.values(), key=lambda t: (t.name == "", t.name)),
        drop_outs=drop_outs,
        drop_outs_total=dropping.count(),
    )
