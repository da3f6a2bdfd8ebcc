"""The officers behind one of the dashboard's eligibility figures, by name.

On the stored summary's day the list is a query of `EligibilitySummary`
(counted, ordered and paged in SQL, however large the organisation); on any
other day the engine works the colleagues in scope out live. Either way an
officer is listed by the same rule that counts them on the dashboard
(`eligibility.OFFICER_FIGURES`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, QuerySet

from compliance.queries import role_on
from people.models import Role

from ..access import Scope
from ..models import EligibilitySummary, SummaryRun
from .eligibility import OFFICER_FIGURES
from .evaluate import HORIZONS, evaluate


@dataclass(frozen=True)
class Officer:
    employee_number: str
    first_name: str
    last_name: str
    team: str
    role: str | None  # the code of the role held on the day
    eligible: bool
    supervision_required: bool
    eligible_until: dt.date | None
    later: tuple[bool, ...]  # still eligible after each of HORIZONS' days, if nobody trains
    role_name: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def horizons(self) -> list[tuple[int, bool]]:
        return list(zip(HORIZONS, self.later, strict=True))


# The list's order, on both paths: surname, first name, then the number for namesakes.
ORDER = ("last_name", "first_name", "employee_number")
SUMMARY_FIELDS = (
    "colleague__employee_number",
    "colleague__first_name",
    "colleague__last_name",
    "team__name",
    "role_code",
    "eligible",
    "supervision_required",
    "eligible_until",
    *(f"eligible_in_{days}" for days in HORIZONS),
)


def summary_officers(
    scope: Scope, case_type: str, show: str, day: dt.date, team_id: int | None = None
) -> QuerySet:
    """The figure's officers on the summary's `day`, as value tuples (`officer_from_summary`), by name."""
    rows = EligibilitySummary.objects.filter(OFFICER_FIGURES[show].q, case_type__code=case_type)
    if not scope.everyone:
        rows = rows.filter(colleague__in=scope.colleagues)
    if team_id is not None:
        rows = rows.filter(team_id=team_id)
    # The role held on the day (the engine's rule, in SQL), worked out for the rows of the page only.
    return (
        rows.annotate(role_code=role_on(day, colleague=OuterRef("colleague_id")))
        .order_by(*(f"colleague__{field}" for field in ORDER))
        .values_list(*SUMMARY_FIELDS)
    )


def officer_from_summary(row: tuple) -> Officer:
    number, first, last, team, role, eligible, supervised, until, *later = row
    return Officer(number, first, last, team or "", role, eligible, supervised, until, tuple(later))


def live_officers(colleagues: QuerySet, case_type: str, show: str, day: dt.date) -> list[Officer]:
    """The figure's officers among `colleagues` on `day`, worked out by the engine (15 queries), by name."""
    holds = OFFICER_FIGURES[show].holds
    # The engine's facts carry the full name; the list sorts by surname.
    names = {pk: (first, last) for pk, first, last in colleagues.values_list("pk", "first_name", "last_name")}
    evaluation = evaluate(colleagues, day)
    found = []
    for c in evaluation.colleagues:
        for f in evaluation.forecasts.get(c.facts.colleague_id, ()):
            if f.case_type == case_type and holds(f):
                first, last = names[c.facts.colleague_id]
                found.append(
                    Officer(
                        c.facts.employee_number,
                        first,
                        last,
                        c.facts.team,
                        c.role,
                        f.eligible,
                        f.supervision_required,
                        f.eligible_until,
                        f.later,
                    )
                )
    found.sort(key=lambda o: tuple(getattr(o, field) for field in ORDER))
    return found


@dataclass(frozen=True)
class OfficersPage:
    page: Page
    officers: list[Officer]  # the page's
    run: SummaryRun | None  # the summary they come from (None: worked out now)


def officers_page(
    scope: Scope,
    case_type: str,
    show: str,
    day: dt.date,
    team_id: int | None,
    number,
    *,
    run: SummaryRun | None,
    per_page: int = 25,
) -> OfficersPage:
    """A page of the figure's officers: from the summary when `run` answers for `day`, else live.

    From the summary, 3 queries (count, the page, role names); live, the engine's 15 and the same
    role names.
    """
    if run is not None and run.computed_for == day:
        page = Paginator(summary_officers(scope, case_type, show, day, team_id), per_page).get_page(number)
        officers = [officer_from_summary(row) for row in page.object_list]
    else:
        run = None
        colleagues = scope.colleagues if team_id is None else scope.colleagues.filter(team_id=team_id)
        page = Paginator(live_officers(colleagues, case_type, show, day), per_page).get_page(number)
        officers = list(page.object_list)
    names = dict(Role.objects.values_list("code", "name"))
    officers = [dataclasses.replace(o, role_name=names.get(o.role, "")) for o in officers]
    return OfficersPage(page, officers, run)
