import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from policies import selectors
from policies.models import Policy
from policies.rules import ReviewStatus

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC))
def test_seed_demo_gives_the_policy_owner_a_calendar_to_look_after(reference):
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    first = list(Policy.objects.order_by("slug").values())
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    assert list(Policy.objects.order_by("slug").values()) == first
    rows = selectors.register_rows(Policy.objects.all(), dt.date(2026, 11, 28))
    assert {r.policy.slug: (r.policy.owner, r.status) for r in rows} == {
        "anti-social-behaviour": ("Communities Director", ReviewStatus.DUE_SOON),
        "domestic-abuse": ("Housing Director", ReviewStatus.OVERDUE),
        "hate-harassment": ("Communities Director", ReviewStatus.CURRENT),
        "tenancy": ("Housing Director", ReviewStatus.CURRENT),
    }
    hhp = Policy.objects.get(slug="hate-harassment")
    assert (hhp.owner_post.holder.username, hhp.next_review_date) == ("policyowner", dt.date(2029, 2, 6))
