"""Who may use /me/: a signed-in person whose account is linked to a colleague record, for that record only.

Every page here acts on the signed-in person's own colleague record, found from
the account and never from the address, so nobody reaches another colleague's
bookings or record through these pages. An account without a colleague record
(HR staff, the auditor or the policy owner signed in with a password) gets a
page saying so and what to do, not an error.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from people.models import Colleague


def own_colleague(user) -> Colleague | None:
    """The colleague record linked to the account, with what the page shows about it (1 query)."""
    return Colleague.objects.filter(user=user).select_related("team", "line_manager", "team__manager").first()


def colleague_required(view):
    """Pass the user's own colleague record to the view; a page explaining the refusal otherwise (403)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        me = own_colleague(request.user)
        if me is None:
            return render(request, "selfservice/not_linked.html", status=403)
        return view(request, me, *args, **kwargs)

    return wrapped
