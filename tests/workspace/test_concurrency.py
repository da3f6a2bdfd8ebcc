"""Two approvals of one request at the same instant (two tabs, two people): exactly one wins."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from compliance.models import Requirement, Waiver
from core.access import AccessGroup
from tests.organisation import build_org, user_in
from workspace import services
from workspace.models import Request


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_write_one_waiver(today):
    call_command("loaddata", "reference", verbosity=0)
    org = build_org()
    request = services.waiver_request_submit(
        colleague=org.people["N1"],
        requirement=Requirement.objects.get(code="HATE-REFRESHER"),
        kind="extension",
        new_due_date=dt.date(2026, 9, 1),
        reason="Long-term sickness.",
        by=org.users["north"],
    )
    deciders = [org.users["hr"], user_in("hr2", AccessGroup.HR)]
    start = threading.Barrier(2)
    outcomes = []

    def approve(user):
        try:
            start.wait()
            services.request_approve(request=Request.objects.get(pk=request.pk), by=user, comment="")
            outcomes.append("approved")
        except ValidationError as refused:
            outcomes.append(refused.messages[0].split(" by ")[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in deciders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["This request was already approved", "approved"]
    assert Waiver.objects.count() == 1
