"""The people behind the KPI page's refresher figures: one list per quarter, requirement and figure."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from compliance.selectors import catalogue_load
from training.models import Course

from .access import figures_required, scope_for
from .forms import RefresherListForm
from .selectors.kpi import recurring_requirements, refresher_list
from .selectors.refreshers import TITLES, Outcome, RefresherFigure
from .views import ROWS_PER_PAGE, bad_request

# Each outcome in the colours of the statuses it reads like.
TONES = {
    Outcome.ON_TIME: "compliant",
    Outcome.LATE: "due_soon",
    Outcome.NOT_RENEWED: "overdue",
    Outcome.EXEMPTED: "exempt",
    Outcome.LEFT: "pending",
}


@require_GET
@figures_required  # it names people: the policy owner, who sees the KPI page's counts, is refused
def kpi_refreshers(request):
    today = timezone.localdate()
    catalogue = catalogue_load()  # loaded once: the choice of requirement, then the engine
    recurring = recurring_requirements(catalogue)
    form = RefresherListForm(request.GET, recurring=recurring, today=today)
    if not form.is_valid():
        return bad_request(request, form)
    quarter, code, figure = (form.cleaned_data[k] for k in ("quarter", "requirement", "outcome"))
    dues = refresher_list(scope_for(request.user).colleagues, quarter, today, code, catalogue)
    rows = [d for d in dues if d.counts_in(figure)]
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    # Renewals by course title, whatever the page shows (one query either way).
    courses = dict(Course.objects.values_list("code", "title"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboard/kpi_refreshers.html",
        {
            "title": TITLES[figure].format(quarter=quarter.name),
            "quarter": quarter,
            "last_day": min(quarter.end, today),
            "code": code,
            "name": recurring[code],
            "figure": figure,
            # The page's other figures for the same refreshers, each with its count, to move between.
            "figures": [(f, sum(d.counts_in(f) for d in dues)) for f in RefresherFigure],
            "page": page,
            "rows": [
                (
                    r,
                    courses.get(r.renewed_by.course, r.renewed_by.course) if r.renewed_by else None,
                    TONES[r.outcome],
                )
                for r in page.object_list
            ],
            "query": query.urlencode(),
        },
    )
