"""Pages for the training programme. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from compliance.selectors import catalogue_load
from core.dates import uk_date
from core.text import one_line
from people.access import colleagues_for

from . import services
from .access import can_book, can_plan_sessions, can_view_coverage
from .enums import BookingStatus, NeedKind, SessionStatus
from .forms import SessionEditForm, SessionPlanForm
from .models import Booking
from .selectors import coverage_for, session_bookings, session_candidates, session_list, sessions_with_places

PAGE_SIZE = 50


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_GET
@login_required
def session_list_view(request):
    past = request.GET.get("when") == "past"
    page = Paginator(session_list(past=past), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "programme/session_list.html",
        {
            "page": page,
            "sessions": page.object_list,
            "past": past,
            "can_plan": can_plan_sessions(request.user),
        },
    )


@login_required
def session_plan_view(request):
    _refuse_unless(can_plan_sessions(request.user))
    form = SessionPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            planned = services.session_programme_plan(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            first, last = planned[0], planned[-1]
            messages.success(
                request,
                f"Planned {len(planned)} session{'s' if len(planned) != 1 else ''} of {first.course.code}, "
                f"{uk_date(timezone.localdate(first.starts_at))} to {uk_date(timezone.localdate(last.starts_at))}.",
            )
            return redirect("programme:session_list")
    return render(request, "programme/session_plan.html", {"form": form})


@require_GET
@login_required
def session_detail_view(request, pk):
    session = get_object_or_404(sessions_with_places(), pk=pk)
    scope = colleagues_for(request.user)
    bookable = can_book(request.user)
    now = timezone.now()
    open_for_booking = session.status == SessionStatus.SCHEDULED and session.starts_at > now
    candidates = []
    if bookable and open_for_booking:
        candidates = session_candidates(session=session, colleagues=scope, catalogue=catalogue_load())
    return render(
        request,
        "programme/session_detail.html",
        {
            "session": session,
            "bookings": list(session_bookings(session, scope)),
            "candidates": candidates,
            "free_places": max(session.capacity - session.places_taken, 0),
            "can_book": bookable and open_for_booking,
            "can_plan": can_plan_sessions(request.user) and open_for_booking,
            "can_mark": can_plan_sessions(request.user) and session.starts_at <= now,
            "Status": BookingStatus,
        },
    )


@login_required
def session_edit_view(request, pk):
    _refuse_unless(can_plan_sessions(request.user))
    session = get_object_or_404(sessions_with_places(), pk=pk)
    form = SessionEditForm.for_session(session, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, by=request.user, **form.changes())
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, "Session updated. Booked colleagues have been sent the new details.")
            return redirect("programme:session_detail", pk=session.pk)
    return render(request, "programme/session_edit.html", {"form": form, "session": session})


@login_required
@require_POST
def session_cancel_view(request, pk):
    _refuse_unless(can_plan_sessions(request.user))
    session = get_object_or_404(sessions_with_places(), pk=pk)
    try:
        services.session_cancel(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "Session cancelled. Everyone booked has been told.")
    return redirect("programme:session_detail", pk=session.pk)


@login_required
@require_POST
def session_book_view(request, pk):
    _refuse_unless(can_book(request.user))
    session = get_object_or_404(sessions_with_places(), pk=pk)
    raw = request.POST.getlist("colleague")
    try:
        ids = list(dict.fromkeys(int(value) for value in raw))
    except ValueError as error:
        # No form of ours sends this (a page altered by hand): the site's page for a request not understood.
        raise BadRequest("colleague: each value must be a colleague id.") from error
    if not ids:
        messages.error(request, "Choose at least one colleague to book.")
        return redirect("programme:session_detail", pk=session.pk)
    found = {c.pk: c for c in colleagues_for(request.user).filter(pk__in=ids)}
    if len(found) != len(ids):
        # Another team's colleague is not there for this user, whatever the URL says.
        raise Http404("No such colleague.")
    try:
        created = services.bookings_create(
            session=session, colleagues=[found[i] for i in ids], by=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        booked = sum(b.status == BookingStatus.BOOKED for b in created)
        waiting = len(created) - booked
        text = f"Booked {booked} colleague{'s' if booked != 1 else ''}."
        if waiting:
            text += f" {waiting} on the waiting list."
        messages.success(request, text)
    return redirect("programme:session_detail", pk=session.pk)


def _scoped_booking(request, pk) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("session", "colleague").filter(
            colleague__in=colleagues_for(request.user)
        ),
        pk=pk,
    )


@login_required
@require_POST
def booking_cancel_view(request, pk):
    _refuse_unless(can_book(request.user))
    booking = _scoped_booking(request, pk)
    try:
        services.booking_cancel(booking=booking, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"Booking for {one_line(booking.colleague.full_name)} cancelled.")
    return redirect("programme:session_detail", pk=booking.session_id)


@login_required
@require_POST
def booking_attendance_view(request, pk):
    _refuse_unless(can_plan_sessions(request.user))
    booking = _scoped_booking(request, pk)
    outcome = request.POST.get("outcome")
    if outcome not in (BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
        raise BadRequest("outcome: must be 'attended' or 'no_show'.")
    try:
        services.booking_attendance_mark(
            booking=booking, attended=outcome == BookingStatus.ATTENDED, by=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        label = "attended" if outcome == BookingStatus.ATTENDED else "did not attend"
        messages.success(request, f"{one_line(booking.colleague.full_name)} {label}.")
    return redirect("programme:session_detail", pk=booking.session_id)


@require_GET
@login_required
def coverage_view(request):
    _refuse_unless(can_view_coverage(request.user))
    today = timezone.localdate()
    coverage = coverage_for(colleagues=colleagues_for(request.user), today=today)
    return render(
        request,
        "programme/coverage.html",
        {"coverage": coverage, "today": today, "NeedKind": NeedKind},
    )
