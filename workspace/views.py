"""Pages of the HR workspace and the requests. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from compliance.enums import WaiverKind
from compliance.models import Requirement
from core.access import sees_everyone
from people.access import colleagues_for
from privacy.services import export_record
from programme.enums import BookingStatus
from programme.models import Booking, Session
from training.models import Course, Evidence

from . import selectors, services
from .access import hr_required, is_hr, submits_requests
from .enums import RequestKind, RequestStatus
from .forms import (
    CompletionForm,
    DecisionForm,
    EquivalenceRequestForm,
    SessionCompletionForm,
    TrainingRequestForm,
    WaiverRequestForm,
)


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def _submitted(request):
    """The form's data and files when posted (even empty, so its errors show), else unbound."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _age_days(moment, today) -> int:
    return (today - timezone.localtime(moment).date()).days


@require_GET
@hr_required
def home_view(request):
    today = timezone.localdate()
    pending = [(r, _age_days(r.requested_at, today)) for r in selectors.requests_pending()]
    return render(request, "workspace/home.html", {"pending": pending, "today": today})


@hr_required
def completion_view(request):
    scope = colleagues_for(request.user)
    data, files = _submitted(request)
    form = CompletionForm(data, files, scope=scope)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = services.completion_record(
                    colleague=data["colleague"],
                    course=data["course"],
                    completed_on=data["completed_on"],
                    uploaded=data["certificate"],
                    provider=data["provider"],
                    notes=data["notes"],
                    by=request.user,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    f"Recorded {record.course.code} for {record.colleague.full_name}, with the certificate.",
                )
                return redirect("dashboard:colleague", employee_number=record.colleague.employee_number)
        status = 400
    return render(request, "workspace/completion.html", {"form": form}, status=status)


def _session_bookings(session):
    return (
        Booking.objects.filter(session=session, status__in=[BookingStatus.BOOKED, BookingStatus.ATTENDED])
        .select_related("colleague")
        .order_by("colleague__last_name", "colleague__first_name")
    )


@hr_required
def session_completion_view(request, pk):
    session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
    bookings = _session_bookings(session)
    data, files = _submitted(request)
    form = SessionCompletionForm(data, files, bookings=bookings)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                records = services.session_completion_record(
                    bookings=list(form.cleaned_data["bookings"]),
                    uploaded=form.cleaned_data["certificate"],
                    by=request.user,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    f"Recorded {session.course.code} for {len(records)} attendees, with the certificate.",
                )
                return redirect("programme:session_detail", pk=session.pk)
        status = 400
    return render(
        request, "workspace/session_completion.html", {"form": form, "session": session}, status=status
    )


@require_GET
@login_required
def preview_view(request):
    """What the form's change would do, for the page's script to show as the fields are filled (JSON).

    For a colleague of the user's scope only; an equivalence names people across the
    organisation, so only HR previews one.
    """
    if not submits_requests(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    kind = request.GET.get("kind", "")
    try:
        if kind == RequestKind.EQUIVALENCE:
            if not is_hr(request.user):
                raise PermissionDenied
            satisfies = Course.objects.get(pk=request.GET.get("satisfies"))
            if not request.GET.get("course"):  # a new course: nobody holds it yet
                return JsonResponse(
                    {"lines": ["Nobody holds a new course yet: nobody's standing changes today."]}
                )
            course = Course.objects.get(pk=request.GET.get("course"))
            if course.pk == satisfies.pk:
                return JsonResponse({"lines": ["A course cannot be equivalent to itself."]})
            return JsonResponse({"lines": selectors.equivalence_preview(course.code, satisfies.code, today)})
        colleague = (
            colleagues_for(request.user).filter(employee_number=request.GET.get("colleague", "")).first()
        )
        if colleague is None:
            return JsonResponse({"lines": []})
        if kind in (RequestKind.TRAINING, "completion"):
            course = Course.objects.get(pk=request.GET.get("course"))
            completed_on = _date(request.GET.get("completed_on"))
            if completed_on is None or completed_on > today:
                return JsonResponse({"lines": []})
            return JsonResponse(
                {"lines": selectors.completion_preview(colleague, course.code, completed_on, today)}
            )
        if kind in WaiverKind.values:
            requirement = Requirement.objects.get(pk=request.GET.get("requirement"))
            original = selectors.due_date_of(colleague, requirement.code, today)
            waiver = selectors.waiver_facts(
                requirement=requirement.code,
                kind=kind,
                day=today,
                new_due_date=_date(request.GET.get("new_due_date")),
                original_due_date=original,
                starts_on=_date(request.GET.get("starts_on")),
                ends_on=_date(request.GET.get("ends_on")),
            )
            return JsonResponse({"lines": selectors.waiver_preview(colleague, waiver, today)})
    except (Course.DoesNotExist, Requirement.DoesNotExist, ValueError):
        pass
    return JsonResponse({"lines": []})


def _date(value):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# ---------------------------------------------------------------------- requests


@require_GET
@login_required
def request_list_view(request):
    today = timezone.localdate()
    visible = selectors.requests_visible(
        request.user, colleagues_for(request.user), sees_everyone(request.user)
    ).order_by("-requested_at", "-pk")[:200]
    rows = [(r, _age_days(r.requested_at, today)) for r in visible]
    return render(
        request,
        "workspace/request_list.html",
        {"rows": rows, "submits": submits_requests(request.user), "is_hr": is_hr(request.user)},
    )


KINDS = {
    "training": RequestKind.TRAINING,
    "extension": RequestKind.EXTENSION,
    "exemption": RequestKind.EXEMPTION,
    "equivalence": RequestKind.EQUIVALENCE,
}


@login_required
def request_new_view(request, kind):
    kind = KINDS.get(kind)
    if kind is None:
        raise Http404
    if not submits_requests(request.user) or (kind == RequestKind.EQUIVALENCE and not is_hr(request.user)):
        raise PermissionDenied
    scope = colleagues_for(request.user)
    data, files = _submitted(request)
    if kind == RequestKind.TRAINING:
        form = TrainingRequestForm(data, files, scope=scope)
    elif kind == RequestKind.EQUIVALENCE:
        form = EquivalenceRequestForm(data)
    else:
        form = WaiverRequestForm(data, scope=scope, kind=kind)
    if request.method != "POST" and "colleague" in form.fields:
        # From a colleague's page (?colleague=N1), else the asker's own record.
        asked = request.GET.get("colleague", "")
        own = getattr(request.user, "colleague", None)
        form.initial["colleague"] = asked or (own.employee_number if own else "")
        # From the lists' action bar (?requirement=HATE-REFRESHER): the row ticked.
        wanted = request.GET.get("requirement", "")
        if wanted and "requirement" in form.fields:
            form.initial["requirement"] = (
                Requirement.objects.filter(code=wanted).values_list("pk", flat=True).first()
            )
        # From /me/ (?course=SHUK-HATE): a course that counts for the requirement the link was under.
        course = request.GET.get("course", "")
        if course and "course" in form.fields:
            form.initial["course"] = Course.objects.filter(code=course).values_list("pk", flat=True).first()
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                if kind == RequestKind.TRAINING:
                    made = services.training_request_submit(
                        colleague=d["colleague"],
                        course=d["course"],
                        completed_on=d["completed_on"],
                        uploaded=d["certificate"],
                        provider=d["provider"],
                        reason=d["reason"],
                        by=request.user,
                    )
                elif kind == RequestKind.EQUIVALENCE:
                    made = services.equivalence_request_submit(
                        course=d["course"],
                        new_code=d["new_code"],
                        new_title=d["new_title"],
                        satisfies=d["satisfies"],
                        reason=d["reason"],
                        by=request.user,
                    )
                else:
                    made = services.waiver_request_submit(
                        colleague=d["colleague"],
                        requirement=d["requirement"],
                        kind=kind,
                        reason=d["reason"],
                        new_due_date=d.get("new_due_date"),
                        starts_on=d.get("starts_on"),
                        ends_on=d.get("ends_on"),
                        by=request.user,
                    )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, "Request sent: someone in HR other than you will decide it.")
                return redirect("workspace:request_detail", pk=made.pk)
        status = 400
    return render(
        request,
        "workspace/request_new.html",
        {"form": form, "kind": kind, "kind_label": RequestKind(kind).label, "preview": True},
        status=status,
    )


def _visible_request(request, pk):
    return get_object_or_404(
        selectors.requests_visible(
            request.user, colleagues_for(request.user), sees_everyone(request.user)
        ).select_related("record"),
        pk=pk,
    )


def _detail(request, found, form=None, status=200):
    today = timezone.localdate()
    evidence = (
        list(Evidence.objects.filter(record_id=found.record_id).order_by("uploaded_at"))
        if found.record_id
        else []
    )
    may_decide = (
        is_hr(request.user)
        and found.status == RequestStatus.PENDING
        and found.requested_by_id != request.user.pk
        and (found.colleague is None or found.colleague.user_id != request.user.pk)
    )
    return render(
        request,
        "workspace/request_detail.html",
        {
            "req": found,
            "age": _age_days(found.requested_at, today),
            "preview": selectors.request_preview(found, today),
            "evidence": evidence,
            "history": found.history.select_related("requested_by", "decided_by").order_by(
                "history_date", "history_id"
            ),
            "form": form or DecisionForm(),
            "may_decide": may_decide,
            "is_hr": is_hr(request.user),
        },
        status=status,
    )


@require_GET
@login_required
def request_detail_view(request, pk):
    return _detail(request, _visible_request(request, pk))


@require_POST
@hr_required
def request_decide_view(request, pk):
    found = _visible_request(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, found, form, status=400)
    decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
    try:
        if decision == "approve":
            decided = services.request_approve(request=found, by=request.user, comment=comment)
        else:
            decided = services.request_reject(request=found, by=request.user, comment=comment)
    except ValidationError as error:
        _errors_to_form(form, error)
        found.refresh_from_db()
        return _detail(request, found, form, status=400)
    messages.success(
        request, f"Request {decided.get_status_display().lower()}; the requester is told by email."
    )
    return redirect("workspace:request_detail", pk=decided.pk)


# ---------------------------------------------------------------------- evidence


@require_GET
@login_required
def evidence_download_view(request, pk):
    """A certificate, to whoever may open the colleague's page; every download is logged."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("record__colleague", "record__course"),
        pk=pk,
        record__colleague__in=colleagues_for(request.user),
    )
    export_record(
        user=request.user,
        kind="certificate",
        rows=1,
        description=f"{evidence.original_name} ({evidence.record.course.code} {evidence.record.completed_on})",
        subject=evidence.record.colleague,
    )
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
