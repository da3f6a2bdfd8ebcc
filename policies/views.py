"""Pages of the policy register: thin views over `selectors` (reads) and `services` (writes)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from compliance.models import Requirement
from core.dates import uk_date
from core.models import (
    CalendarFeed,
    CalendarFeedKind,
    calendar_feed_issue,
    calendar_feed_resolve,
    calendar_feed_revoke,
)
from core.text import quoted

from . import forms, selectors, services
from .access import policies_for, runs_review_of, sees_register
from .enums import ReviewStep
from .feed import review_calendar_sync, review_feed
from .models import Policy, PolicyDocument, PolicyReview, PolicyVersion
from .rules import version_after


def _register_user(request):
    if not sees_register(request.user):
        raise PermissionDenied("The policy register is for HR, auditors and policy owners.")


def _policy(request, slug: str) -> Policy:
    try:
        return selectors.policy_page(policies_for(request.user), slug)
    except Policy.DoesNotExist as missing:
        raise Http404("No such policy.") from missing


def _review_runner(request, slug: str) -> Policy:
    _register_user(request)
    policy = get_object_or_404(policies_for(request.user), slug=slug)
    if not runs_review_of(request.user, policy):
        raise PermissionDenied(
            "Only HR or the holder of the policy's owner or sponsor post can run its review."
        )
    return policy


@login_required
@require_GET
def register(request):
    _register_user(request)
    today = timezone.localdate()
    rows = selectors.register_rows(policies_for(request.user), today)
    return render(
        request,
        "policies/register.html",
        {"rows": rows, "today": today, "warning_days": selectors.warning_days()},
    )


@login_required
@require_GET
def mine(request):
    """The policy owner's own policies: those whose owner or sponsor post they hold."""
    _register_user(request)
    today = timezone.localdate()
    rows = selectors.register_rows(selectors.held_by(policies_for(request.user), request.user), today)
    return render(request, "policies/mine.html", {"rows": rows, "today": today})


@login_required
@require_GET
def detail(request, slug):
    _register_user(request)
    policy = _policy(request, slug)
    today = timezone.localdate()
    [row] = selectors.register_rows(Policy.objects.filter(pk=policy.pk), today)
    return render(
        request,
        "policies/detail.html",
        {
            "policy": policy,
            "row": row,
            "today": today,
            "versions": list(policy.versions.all()),
            "requirements": selectors.policy_requirements_compliance(policy, today),
            "can_run": runs_review_of(request.user, policy),
            "reschedule_form": forms.RescheduleForm(
                initial={
                    "next_review": policy.next_review_override,
                    "reason": policy.next_review_override_reason,
                }
            ),
        },
    )


@login_required
def review_start(request, slug):
    policy = _review_runner(request, slug)
    if policy.reviews.filter(completed_on__isnull=True).exists():
        return redirect("policies:review", slug=slug)
    form = forms.ReviewStartForm(
        request.POST or None,
        initial={
            "started_on": timezone.localdate(),
            "version_label": version_after(policy.version),
            "trigger": "scheduled",
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_start(policy=policy, started_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Review of {quoted(policy.title)} started.")
                return redirect("policies:review", slug=slug)
        status = 400
    return render(request, "policies/review_start.html", {"policy": policy, "form": form}, status=status)


STEP_FORMS = {
    "meetings": forms.MeetingsForm,
    "consultation": forms.ConsultationForm,
    "eia": forms.EiaForm,
    "forum": forms.ForumForm,
    "board": forms.BoardForm,
    "document": forms.DocumentForm,
    "publish": forms.PublishForm,
}


def _step_forms(review: PolicyReview) -> dict:
    v = review.version
    return {
        "meetings": forms.MeetingsForm(
            initial={
                "eia_meeting_on": review.eia_meeting_on,
                "forum_meeting_on": review.forum_meeting_on,
                "board_meeting_on": review.board_meeting_on,
            }
        ),
        "consultation": forms.ConsultationForm(
            initial={
                "opened_on": review.consultation_opened_on,
                "closed_on": review.consultation_closed_on,
                "summary": review.consultation_summary,
            }
        ),
        "eia": forms.EiaForm(
            initial={
                "endorsed_on": v.eia_endorsed_on or review.eia_meeting_on,
                "rating": v.eia_rating,
                "minute_ref": v.eia_minute_ref,
            }
        ),
        "forum": forms.ForumForm(
            initial={
                "endorsed_on": v.forum_endorsed_on or review.forum_meeting_on,
                "minute_ref": v.forum_minute_ref,
            }
        ),
        "board": forms.BoardForm(
            initial={
                "approval_body": v.approval_body,
                "approved_on": v.approved_on or review.board_meeting_on,
                "minute_ref": v.approval_minute_ref,
            }
        ),
        "document": forms.DocumentForm(),
        "publish": forms.PublishForm(
            initial={"version_label": v.version, "review_frequency_months": v.review_frequency_months}
        ),
    }


def _open_review(policy: Policy) -> PolicyReview:
    review = (
        PolicyReview.objects.select_related("version", "started_by")
        .filter(policy=policy, completed_on__isnull=True)
        .first()
    )
    if review is None:
        raise Http404("No review of this policy is in progress.")
    return review


def _render_review(request, policy, review, bound=None, status=200):
    step_forms = _step_forms(review)
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    documents = list(review.version.documents.select_related("uploaded_by").order_by("kind", "-revision"))
    return render(
        request,
        "policies/review.html",
        {
            "policy": policy,
            "review": review,
            "version": review.version,
            "documents": documents,
            "forms": step_forms,
            "step": review.step,
            "step_index": list(ReviewStep).index(review.step),
            "steps": [s for s in ReviewStep if s != ReviewStep.PUBLISHED],
        },
        status=status,
    )


@login_required
@require_GET
def review(request, slug):
    policy = _review_runner(request, slug)
    return _render_review(request, policy, _open_review(policy))


def _call_step(step: str, review: PolicyReview, data: dict, request):
    if step == "meetings":
        return services.review_meetings_plan(review=review, **data)
    if step == "consultation":
        return services.review_consultation_record(review=review, **data)
    if step == "eia":
        return services.review_eia_record(review=review, **data)
    if step == "forum":
        return services.review_forum_record(review=review, **data)
    if step == "board":
        return services.review_board_record(review=review, **data)
    if step == "document":
        return services.policy_document_upload(
            review=review, kind=data["kind"], uploaded=data["file"], uploaded_by=request.user
        )
    return services.review_publish(review=review, published_by=request.user, **data)


DONE = {
    "meetings": "Meeting dates saved.",
    "consultation": "Consultation recorded.",
    "eia": "Equality impact assessment recorded.",
    "forum": "Policy Forum endorsement recorded.",
    "board": "Board approval recorded.",
    "document": "Document attached.",
}


@login_required
@require_POST
def review_step(request, slug, step):
    if step not in STEP_FORMS:
        raise Http404("No such step.")
    policy = _review_runner(request, slug)
    review = _open_review(policy)
    form = STEP_FORMS[step](request.POST, request.FILES)
    if form.is_valid():
        try:
            result = _call_step(step, review, form.cleaned_data, request)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                known = {k: v for k, v in error.error_dict.items() if k in form.fields}
                for name, errors in known.items():
                    form.add_error(name, errors)
                for name, errors in error.error_dict.items():
                    if name not in known:
                        form.add_error(None, errors)
            else:
                form.add_error(None, error)
        else:
            if step == "publish":
                messages.success(
                    request,
                    f"Version {result.version} of the {policy.title} is published; "
                    f"next review {uk_date(result.next_review_date)}.",
                )
                return redirect("policies:detail", slug=slug)
            messages.success(request, DONE[step])
            return redirect(reverse("policies:review", args=[slug]) + f"#{step}")
    review.refresh_from_db()
    review.version.refresh_from_db()
    return _render_review(request, policy, review, bound=(step, form), status=400)


@login_required
@require_POST
def reschedule(request, slug):
    policy = _review_runner(request, slug)
    form = forms.RescheduleForm(request.POST)
    if form.is_valid():
        try:
            services.policy_review_reschedule(
                policy=policy,
                next_review=form.cleaned_data["next_review"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            next_review = Policy.objects.get(pk=policy.pk).next_review_date
            # A policy never endorsed has no computed date to go back to.
            messages.success(
                request,
                f"Next review: {uk_date(next_review)}." if next_review else "No next review date is set.",
            )
    else:
        messages.error(request, "The date was not understood: use the date picker or dd/mm/yyyy.")
    return redirect("policies:detail", slug=slug)


@login_required
def version_detail(request, slug, version):
    _register_user(request)
    policy = get_object_or_404(policies_for(request.user), slug=slug)
    record = get_object_or_404(
        PolicyVersion.objects.prefetch_related("documents").select_related("published_by"),
        policy=policy,
        version=version,
    )
    citing = list(Requirement.objects.filter(policy=policy, policy_version=record.version).order_by("code"))
    can_revise = record.is_published and runs_review_of(request.user, policy)
    in_force = [
        r
        for r in Requirement.objects.filter(policy=policy, in_force_until__isnull=True).order_by("code")
        if r.policy_version != record.version
    ]
    form = forms.RequirementReviseForm(request.POST or None, requirements=in_force) if can_revise else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only HR or the policy's owner can change its requirements.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                new = services.requirement_revise(
                    requirement=Requirement.objects.get(pk=data["requirement"]),
                    version=record,
                    code=data["code"],
                    name=data["name"],
                    clause=data["clause"],
                    first_due_months=data["first_due_months"],
                    recurrence_months=data["recurrence_months"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"{new.code} is in force from {uk_date(new.in_force_from)}; the old requirement ends the day before.",
                )
                return redirect("policies:version", slug=slug, version=version)
        status = 400
    return render(
        request,
        "policies/version.html",
        {"policy": policy, "record": record, "citing": citing, "form": form},
        status=status,
    )


@login_required
@require_GET
def document_download(request, pk):
    _register_user(request)
    document = get_object_or_404(
        PolicyDocument.objects.select_related("version__policy").filter(
            version__policy__in=policies_for(request.user)
        ),
        pk=pk,
    )
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


def _calendar_page(request, *, token: str | None = None):
    today = timezone.localdate()
    rows = selectors.register_rows(policies_for(request.user), today)
    feed = CalendarFeed.objects.filter(
        user=request.user, kind=CalendarFeedKind.POLICY_REVIEWS, revoked_at__isnull=True
    ).first()
    # Only a hash is stored: the address can be shown only in the answer that issued it.
    feed_url = request.build_absolute_uri(reverse("policies:feed", args=[token])) if token else None
    return render(
        request,
        "policies/calendar.html",
        {
            "calendar": selectors.review_calendar(rows, today),
            "today": today,
            "feed": feed,
            "feed_url": feed_url,
            "warning_days": selectors.warning_days(),
        },
    )


@login_required
@require_GET
def calendar(request):
    _register_user(request)
    return _calendar_page(request)


@login_required
@require_POST
@never_cache
def feed_subscribe(request):
    _register_user(request)
    _, token = calendar_feed_issue(user=request.user, kind=CalendarFeedKind.POLICY_REVIEWS)
    messages.success(
        request, "Your calendar address is below, shown this once; any earlier address no longer works."
    )
    return _calendar_page(request, token=token)


@login_required
@require_POST
def feed_revoke(request):
    _register_user(request)
    calendar_feed_revoke(user=request.user, kind=CalendarFeedKind.POLICY_REVIEWS)
    messages.success(request, "Your calendar address is switched off.")
    return redirect("policies:calendar")


@require_GET
def feed(request, token):
    """The iCalendar feed; the secret token in the address is the credential (calendar apps cannot sign in)."""
    subscription = calendar_feed_resolve(token=token, kind=CalendarFeedKind.POLICY_REVIEWS)
    if subscription is None or not sees_register(subscription.user):
        raise Http404("No such calendar.")
    rows = selectors.register_rows(policies_for(subscription.user), timezone.localdate())
    entries = review_calendar_sync(policies=[r.policy for r in rows])
    response = HttpResponse(review_feed(rows, entries), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="policy-reviews.ics"'
    response["Cache-Control"] = "private, max-age=0"
    return response
