"""/me/: a colleague's own requirements, bookings, requests and record. Thin: parse, call, render.

Every view receives the signed-in person's own colleague record from
access.colleague_required; bookings are looked up through it, so another
colleague's booking is a 404 whatever the address says.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from privacy.views import subject_access_response
from programme.enums import BookingStatus
from programme.models import Booking, Session

from . import services
from .access import colleague_required
from .selectors import my_page


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_GET
@colleague_required
def home_view(request, me):
    today = timezone.localdate()
    return render(request, "selfservice/home.html", {"page": my_page(me, today), "today": today})


@require_POST
@colleague_required
def book_view(request, me, pk):
    session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
    try:
        booking = services.own_booking_create(colleague=me, session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if booking.status == BookingStatus.BOOKED:
            messages.success(
                request,
                f"Booked: {session.described}. An invitation is on its way by email.",
            )
        else:
            messages.success(
                request,
                f"{session.described} is full: you are on the waiting list"
                " and will be told by email if a place comes free.",
            )
    return redirect("me:home")


@require_POST
@colleague_required
def cancel_view(request, me, pk):
    booking = get_object_or_404(Booking.objects.select_related("session__course"), pk=pk, colleague=me)
    try:
        services.own_booking_cancel(colleague=me, booking=booking, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"Cancelled your place on {booking.session.described}.")
    return redirect("me:home")


@require_GET
@colleague_required
def record_view(request, me, fmt="html"):
    """Everything held on me (UK GDPR article 15), from the same declaration as HR's export, and logged."""
    return subject_access_response(
        request,
        me,
        fmt,
        description=f"Own record downloaded by {me.employee_number}",
        json_url=reverse("me:record_json"),
    )
