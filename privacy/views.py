import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.access import AccessGroup, user_groups
from people.access import colleagues_for

from .services import anonymise_leavers, export_record, leavers_due_for_anonymisation, subject_access_data


def _require_hr(user):
    if not (user.is_superuser or AccessGroup.HR in user_groups(user)):
        raise PermissionDenied("Only HR can handle subject access requests and retention.")


@require_GET
@login_required
def subject_access(request, employee_number: str, fmt: str = "html"):
    """Everything held on one colleague, as a readable page or JSON (UK GDPR article 15)."""
    _require_hr(request.user)
    colleague = get_object_or_404(colleagues_for(request.user), employee_number=employee_number)
    return subject_access_response(
        request,
        colleague,
        fmt,
        description=f"Subject access export for {colleague.employee_number}",
        json_url=reverse("privacy:subject_access_json", args=[colleague.employee_number]),
    )


def subject_access_response(request, colleague, fmt: str, *, description: str, json_url: str):
    """The export as a page or a JSON download, logged in the export log; HR's and the colleague's own."""
    data = subject_access_data(colleague)
    rows = sum(len(v) for v in data["sections"].values())
    export_record(
        user=request.user, kind=f"subject-access.{fmt}", rows=rows, subject=colleague, description=description
    )
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="subject-access-{colleague.pk}.json"'
        return response
    sections = [(data["about"][label], label, records) for label, records in data["sections"].items()]
    return render(
        request,
        "privacy/subject_access.html",
        {"colleague": colleague, "data": data, "sections": sections, "json_url": json_url},
    )


@require_GET
@login_required
def retention(request):
    """Preview the leavers the retention rule will anonymise, and run it now."""
    _require_hr(request.user)
    due = leavers_due_for_anonymisation(today=timezone.localdate()).select_related("team")
    return render(request, "privacy/retention.html", {"due": due})


@login_required
@require_POST
def retention_run(request):
    _require_hr(request.user)
    done = anonymise_leavers(today=timezone.localdate())
    messages.success(request, f"{len(done)} leavers anonymised.")
    return redirect("privacy:retention")
