"""`/api/v1/policies/`: the policy register with each policy's review calendar."""

import pytest

from policies.models import Policy

pytestmark = pytest.mark.django_db


def test_policy_list_gives_the_review_calendar(policies_api, reference):
    response = policies_api.get("/api/v1/policies/", {"on": "2028-09-01"})

    assert response.status_code == 200
    hate = next(p for p in response.json() if p["slug"] == Policy.objects.get(title__icontains="hate").slug)
    assert list(hate) == [
        "slug",
        "title",
        "version",
        "owner",
        "review_frequency_months",
        "last_reviewed_on",
        "next_review_date",
        "review_status",
    ]
    assert (hate["next_review_date"], hate["review_frequency_months"], hate["last_reviewed_on"]) == (
        "2029-02-06",
        36,
        "2026-02-06",
    )
    # 158 days before the review: within the 180-day warning window.
    assert hate["review_status"] == "due_soon"
    assert (
        policies_api.get("/api/v1/policies/", {"on": "2026-03-01"}).json()[
            [p["slug"] for p in response.json()].index(hate["slug"])
        ]["review_status"]
        == "current"
    )
    assert (
        policies_api.get("/api/v1/policies/", {"on": "2029-02-07"}).json()[
            [p["slug"] for p in response.json()].index(hate["slug"])
        ]["review_status"]
        == "overdue"
    )


@pytest.mark.parametrize("on", ["soon", "", "2029-2-7"])
def test_policy_list_bad_date_is_400(policies_api, reference, on):
    response = policies_api.get("/api/v1/policies/", {"on": on})
    assert (response.status_code, response.json()["parameter"]) == (400, "on")
