"""The action bar's pages: book, nudge or ask for an extension for the colleagues ticked on a list.

Plain forms posted without JavaScript: the tick boxes on the overdue list,
the matrix and the dashboard belong to the action bar's form (`form="actions"`),
so they work wherever they sit on the page.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from programme.models import Session

from .access import scope_for
from .actions import DONE, acts_for_colleagues, picks_book, picks_load, picks_nudge, sessions_for


def acts_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not acts_for_colleagues(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _back(request) -> str:
    """Where the action was started from (a page of ours), else the overdue list."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return reverse("dashboard:overdue")


def _refused(request, error: ValidationError, status: int = 400):
    return render(
        request,
        "dashboard/actions_refused.html",
        {"errors": error.messages, "back": _back(request)},
        status=status,
    )


def _picks(request):
    """The picks, or the answer to give: back to the list when none was ticked, 400 for a bad one."""
    values = request.POST.getlist("pick")
    if not any(v.strip() for v in values):
        messages.error(request, "Tick at least one colleague first: nothing was done.")
        return None, redirect(_back(request))
    try:
        return picks_load(values, scope_for(request.user)), None
    except ValidationError as error:
        return None, _refused(request, error)


@require_POST
@acts_required
def act(request):
    """The action bar: nudge at once; book and extension ask one more question first."""
    picks, answer = _picks(request)
    if answer is not None:
        return answer
    action = request.POST.get("action")
    if action == "nudge":
        _say(request, picks_nudge(picks=picks, by=request.user, day=timezone.localdate()))
        return redirect(_back(request))
    if action == "book":
        return render(
            request,
            "dashboard/actions_book.html",
            {"picks": picks, "sessions": sessions_for(picks), "back": _back(request)},
        )
    if action == "extension":
        return render(
            request,
            "dashboard/actions_extension.html",
            {"rows": [(p, _extension_url(p)) for p in picks], "back": _back(request)},
        )
    return _refused(request, ValidationError("Choose what to do: book, nudge or ask for an extension."))


def _extension_url(pick) -> str | None:
    """HR's request form (four eyes), filled in for the colleague; None while it is not installed."""
    try:
        url = reverse("workspace:request_new", args=["extension"])
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({'colleague': pick.colleague.employee_number, 'requirement': pick.requirement.code})}"


@require_POST
@acts_required
def act_book(request):
    """Book the picks onto the session chosen; a refusal writes nothing and says why."""
    picks, answer = _picks(request)
    if answer is not None:
        return answer
    chosen = request.POST.get("session", "")
    session = Session.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if session is None:
        return _refused(request, ValidationError("Choose a session: nobody was booked."))
    try:
        said = picks_book(
            session=session,
            picks=picks,
            waiting_list="1" in (request.POST.get("waiting_list"), request.GET.get("waiting")),
            by=request.user,
        )
    except ValidationError as error:
        for line in error.messages:
            messages.error(request, line)
        return redirect(_back(request))
    _say(request, said)
    return redirect(_back(request))


def _say(request, said: list[tuple[str, str]]) -> None:
    for level, line in said:
        messages.add_message(request, messages.SUCCESS if level == DONE else messages.WARNING, line)
