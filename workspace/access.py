"""Who may use which part of the workspace.

- HR (and superusers): the workspace itself (record completions, previews),
  every request, and deciding requests (never their own: services);
- anyone who acts for colleagues (HR, managers, and a colleague for their
  own record) may ask for training to be verified, an extension or an
  exemption, for a colleague of their scope (people.access.colleagues_for);
- only HR asks for an equivalence: it changes what counts for everyone;
- the auditor reads (requests and certificates of everyone) and writes nothing.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from core.access import AccessGroup, user_groups


def is_hr(user) -> bool:
    return user.is_authenticated and (user.is_superuser or AccessGroup.HR in user_groups(user))


def submits_requests(user) -> bool:
    """HR, managers and colleagues with a record; not the auditor or the policy owner as such."""
    if is_hr(user) or AccessGroup.MANAGER in user_groups(user):
        return True
    return AccessGroup.COLLEAGUE in user_groups(user) and hasattr(user, "colleague")


def hr_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_hr(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
