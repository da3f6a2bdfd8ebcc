"""Demo review dates for the related policies, relative to today so the calendar never goes stale.

Only policies with no Policy Forum date of their own (the reference data's
placeholders), or ones this demo filled before, are touched.
"""

import datetime as dt

from core.dates import add_months
from policies.models import Policy, Post

DEMO_BODY = "Leadership Board (demo)"

# slug: (months since the Policy Forum endorsed it, owner post code)
DEMO_REVIEWS = {
    "domestic-abuse": (37, "housing-director"),  # overdue by about a month
    "anti-social-behaviour": (33, "communities-director"),  # due soon
    "tenancy": (20, "housing-director"),  # current, due in the second year
}


def demo_policies(today: dt.date, policy_owner) -> None:
    director = Post.objects.get(code="communities-director")
    if director.holder_id is None:
        director.holder = policy_owner
        director.save(update_fields=["holder"])
    housing, _ = Post.objects.get_or_create(code="housing-director", defaults={"title": "Housing Director"})
    posts = {"communities-director": director, "housing-director": housing}
    for slug, (months, post_code) in DEMO_REVIEWS.items():
        policy = Policy.objects.filter(slug=slug).first()
        if policy is None or (policy.forum_endorsed_on is not None and policy.approval_body != DEMO_BODY):
            continue
        forum = add_months(today, -months)
        wanted = {
            "owner_post": posts[post_code],
            "approval_body": DEMO_BODY,
            "eia_endorsed_on": forum - dt.timedelta(days=21),
            "forum_endorsed_on": forum,
            "approved_on": forum + dt.timedelta(days=14),
            "version": policy.version or "1",
            "published": True,
        }
        if any(getattr(policy, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(policy, name, value)
            policy.save()
