from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.models import CalendarFeedKind, calendar_feed_issue, calendar_feed_resolve, calendar_feed_revoke

from .calendar import team_due_dates_calendar
from .selectors import calendar_feed_live


def _feed_page(request, *, token: str | None = None):
    feed = calendar_feed_live(user=request.user)
    # Only a hash is stored: the address can be shown only in the answer that issued it.
    address = request.build_absolute_uri(reverse("reminders:team_calendar", args=[token])) if token else None
    return render(
        request,
        "reminders/calendar_feed.html",
        {
            "feed": feed,
            "address": address,
            "webcal": "webcal://" + address.split("://", 1)[1] if address else None,
        },
    )


@require_GET
@login_required
@never_cache
def calendar_feed_page(request):
    """Where a manager gets, replaces or turns off the secret address of their due-dates calendar."""
    return _feed_page(request)


@login_required
@require_POST
@never_cache
def calendar_feed_new(request):
    replacing = calendar_feed_live(user=request.user) is not None
    _, token = calendar_feed_issue(user=request.user, kind=CalendarFeedKind.TEAM_DUE_DATES)
    messages.success(
        request,
        "New calendar address ready. The old address has stopped working."
        if replacing
        else "Calendar address ready. Add it to your calendar app.",
    )
    return _feed_page(request, token=token)


@login_required
@require_POST
def calendar_feed_stop(request):
    if calendar_feed_revoke(user=request.user, kind=CalendarFeedKind.TEAM_DUE_DATES):
        messages.success(request, "Calendar address turned off. Calendars using it will stop updating.")
    return redirect("reminders:calendar_feed")


@require_GET
def team_calendar(request, token: str):
    """The feed itself. Calendar apps cannot sign in: the secret token is the credential."""
    feed = calendar_feed_resolve(token=token, kind=CalendarFeedKind.TEAM_DUE_DATES)
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar")
    body = team_due_dates_calendar(user=feed.user, day=timezone.localdate())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="training-due-dates.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
