"""Pages for colleague reviews. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from compliance.models import Requirement
from core.text import one_line
from people.access import colleagues_for

from . import services
from .access import can_review, can_see_reviews, reviewable_colleagues
from .forms import ActionFormSet, ReviewForm
from .models import ColleagueReview
from .rules import ReviewStatus
from .selectors import colleague_standing, reviews_due, reviews_of


@require_GET
@login_required
def review_list_view(request):
    if not can_see_reviews(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    rows = reviews_due(reviewable_colleagues(request.user), today)
    overdue = sum(r.status == ReviewStatus.OVERDUE for r in rows)
    due_soon = sum(r.status == ReviewStatus.DUE_SOON for r in rows)
    only_overdue = request.GET.get("show") == "overdue"
    if only_overdue:
        rows = [r for r in rows if r.status == ReviewStatus.OVERDUE]
    return render(
        request,
        "reviews/review_list.html",
        {
            "rows": rows,
            "overdue": overdue,
            "due_soon": due_soon,
            "only_overdue": only_overdue,
            "can_review": can_review(request.user),
            "today": today,
        },
    )


@login_required
def review_create_view(request, colleague_pk):
    if not can_review(request.user):
        raise PermissionDenied
    colleague = get_object_or_404(reviewable_colleagues(request.user).select_related("team"), pk=colleague_pk)
    if request.method == "POST":
        form, actions = ReviewForm(request.POST), ActionFormSet(request.POST, prefix="actions")
        if form.is_valid() and actions.is_valid():
            agreed = [(a["action"], a["due_on"]) for a in actions.cleaned_data if a.get("action")]
            try:
                review = services.colleague_review_record(
                    colleague=colleague, actions=agreed, reviewer=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, f"Review of {one_line(colleague.full_name)} recorded.")
                return redirect("reviews:review_detail", pk=review.pk)
    else:
        form, actions = ReviewForm.blank(), ActionFormSet(prefix="actions")
    today = timezone.localdate()
    standing = colleague_standing(colleague, today)
    names = dict(Requirement.objects.values_list("code", "name"))
    return render(
        request,
        "reviews/review_form.html",
        {
            "colleague": colleague,
            "standing": standing,
            # Requirements in words on the page, the code beside each (one query).
            "standing_rows": [(s, names.get(s.code, "")) for s in standing.statuses] if standing else [],
            "today": today,
            "form": form,
            "actions": actions,
            "previous": reviews_of(colleague)[:5],
        },
    )


@require_GET
@login_required
def review_detail_view(request, pk):
    review = get_object_or_404(
        ColleagueReview.objects.select_related("colleague__team").prefetch_related("actions"),
        pk=pk,
        colleague__in=colleagues_for(request.user),
    )
    return render(request, "reviews/review_detail.html", {"review": review})
