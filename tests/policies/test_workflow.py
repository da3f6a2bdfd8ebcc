"""A review from trigger to publication: through the services, then through the pages."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.access import AccessGroup
from policies import services
from policies.enums import DocumentKind, ReviewStep, ReviewTrigger
from policies.models import Policy, PolicyAmendment, PolicyDocument, PolicyReview, PolicyVersion

from .helpers import docx, pdf, post_held_by, published, review_ready_to_publish, user_in

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2028, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def hhp(reference):
    return Policy.objects.get(slug="hate-harassment")


@time_machine.travel(NOW)
def test_scheduled_review_publishes_a_version_and_moves_the_review_on(hhp):
    review = review_ready_to_publish(hhp, started_on=dt.date(2028, 6, 1), forum_on=dt.date(2028, 10, 1))
    assert review.step == ReviewStep.PUBLISH
    version = services.review_publish(
        review=review, change_summary="Refresher may be e-learning.", reason="Scheduled review."
    )
    hhp = Policy.objects.get(pk=hhp.pk)
    assert (version.version, version.published_on, version.effective_from, version.next_review_date) == (
        "3",
        dt.date(2028, 11, 20),
        dt.date(2028, 10, 11),
        dt.date(2031, 10, 1),
    )
    assert (
        hhp.version,
        hhp.forum_endorsed_on,
        hhp.approved_on,
        hhp.eia_endorsed_on,
        hhp.next_review_date,
    ) == (
        "3",
        dt.date(2028, 10, 1),
        dt.date(2028, 10, 11),
        dt.date(2028, 9, 17),
        dt.date(2031, 10, 1),
    )
    assert list(hhp.amendments.values_list("amended_on", "version", "change", "reason"))[-1] == (
        dt.date(2028, 10, 11),
        "3",
        "Refresher may be e-learning.",
        "Scheduled review.",
    )
    assert published(hhp) == ["2", "3"]
    assert PolicyReview.objects.get(pk=review.pk).completed_on == dt.date(2028, 11, 20)


@time_machine.travel(NOW)
def test_review_with_no_change_still_adds_to_the_amendment_log(hhp):
    review = review_ready_to_publish(hhp, started_on=dt.date(2028, 6, 1), forum_on=dt.date(2028, 10, 1))
    services.review_publish(review=review, no_change=True, version_label="2.1")
    last = PolicyAmendment.objects.filter(policy=hhp).order_by("amended_on").last()
    assert (last.version, last.change, last.reason) == (
        "2.1",
        services.DEFAULT_NO_CHANGE,
        "Scheduled review.",
    )
    assert PolicyAmendment.objects.filter(policy=hhp).count() == 5


@time_machine.travel(NOW)
def test_early_review_triggered_by_a_complaint_records_the_trigger(hhp):
    review = review_ready_to_publish(
        hhp,
        started_on=dt.date(2027, 3, 1),
        forum_on=dt.date(2027, 6, 10),
        trigger=ReviewTrigger.COMPLAINT,
        trigger_detail="Tenant complaint about slow response to racist graffiti",
    )
    assert (review.is_early, review.due_on) == (True, dt.date(2029, 2, 6))
    services.review_publish(review=review, change_summary="Response times added to section 5.")
    hhp = Policy.objects.get(pk=hhp.pk)
    last = hhp.amendments.order_by("amended_on").last()
    assert last.reason == (
        "Early review triggered by a complaint: Tenant complaint about slow response to racist graffiti"
    )
    # Early: the next review moves from 06/02/2029 to three years after this Policy Forum.
    assert hhp.next_review_date == dt.date(2030, 6, 10)


@time_machine.travel(NOW)
def test_early_review_without_what_triggered_it_is_refused(hhp):
    with pytest.raises(ValidationError) as error:
        services.review_start(policy=hhp, trigger=ReviewTrigger.INCIDENT, trigger_detail="  ")
    assert list(error.value.message_dict) == ["trigger_detail"]
    assert PolicyReview.objects.count() == PolicyVersion.objects.count() - 1 == 0


@time_machine.travel(NOW)
def test_second_review_while_one_is_open_is_refused(hhp):
    services.review_start(policy=hhp, trigger=ReviewTrigger.SCHEDULED)
    with pytest.raises(ValidationError, match="already in progress"):
        services.review_start(policy=hhp, trigger=ReviewTrigger.SCHEDULED, version_label="4")


@time_machine.travel(NOW)
def test_steps_must_come_in_order(hhp):
    review = services.review_start(policy=hhp, trigger=ReviewTrigger.SCHEDULED)
    with pytest.raises(ValidationError, match="consultation"):
        services.review_forum_record(review=review, endorsed_on=dt.date(2028, 10, 1), minute_ref="PF/1")
    with pytest.raises(ValidationError, match="Policy Forum"):
        services.review_board_record(
            review=review,
            approval_body="Leadership Board",
            approved_on=dt.date(2028, 10, 1),
            minute_ref="LB/1",
        )
    with pytest.raises(ValidationError, match="not ready to publish"):
        services.review_publish(review=review, no_change=True)
    with pytest.raises(ValidationError) as future:
        services.review_eia_record(review=review, endorsed_on=dt.date(2028, 11, 21), rating="low")
    assert list(future.value.message_dict) == ["endorsed_on"]
    assert PolicyVersion.objects.get(pk=review.version_id).eia_endorsed_on is None


@time_machine.travel(NOW)
def test_publishing_needs_both_documents(hhp):
    review = review_ready_to_publish(hhp, started_on=dt.date(2028, 6, 1), forum_on=dt.date(2028, 10, 1))
    PolicyDocument.objects.filter(version=review.version, kind=DocumentKind.EIA).delete()
    with pytest.raises(ValidationError, match="equality impact assessment"):
        services.review_publish(review=review, no_change=True)
    assert Policy.objects.get(pk=hhp.pk).version == "2"


@time_machine.travel(NOW)
def test_published_review_takes_no_more_steps(hhp):
    review = review_ready_to_publish(hhp, started_on=dt.date(2028, 6, 1), forum_on=dt.date(2028, 10, 1))
    services.review_publish(review=review, no_change=True)
    with pytest.raises(ValidationError, match="finished"):
        services.review_eia_record(review=review, endorsed_on=dt.date(2028, 9, 1), rating="low")
    with pytest.raises(ValidationError, match="finished"):
        services.policy_document_upload(review=review, kind=DocumentKind.POLICY, uploaded=pdf())


@time_machine.travel(NOW)
def test_override_replaces_the_computed_date_with_a_reason(hhp):
    review = review_ready_to_publish(hhp, started_on=dt.date(2028, 6, 1), forum_on=dt.date(2028, 10, 1))
    with pytest.raises(ValidationError) as error:
        services.review_publish(review=review, no_change=True, next_review_override=dt.date(2030, 1, 31))
    assert list(error.value.message_dict) == ["next_review_override_reason"]
    services.review_publish(
        review=review,
        no_change=True,
        next_review_override=dt.date(2030, 1, 31),
        next_review_override_reason="Renters' Rights Act guidance due 2030",
    )
    hhp = Policy.objects.get(pk=hhp.pk)
    assert (hhp.next_review_date, hhp.computed_next_review_date, hhp.next_review_override_reason) == (
        dt.date(2030, 1, 31),
        dt.date(2031, 10, 1),
        "Renters' Rights Act guidance due 2030",
    )


# The same through the pages, as the policy owner who holds the post.


@pytest.fixture
def owner_client(client, hhp):
    """Signs in on first use, inside the test's travelled time (a session made earlier would have expired)."""
    owner = user_in(AccessGroup.POLICY_OWNER, username="director", first_name="Dee", last_name="Rector")
    post_held_by(owner)

    class SignedIn:
        def __getattr__(self, name):
            if "_auth_user_id" not in client.session:
                client.force_login(owner)
            return getattr(client, name)

    return SignedIn()


def post(client, slug, step, data, status=302):
    response = client.post(reverse("policies:review_step", args=[slug, step]), data)
    assert response.status_code == status, response.content.decode()[:3000]
    return response


@time_machine.travel(dt.datetime(2027, 4, 20, 10, 0, tzinfo=dt.UTC))
def test_policy_owner_runs_an_early_review_through_the_pages(owner_client, hhp):
    start = reverse("policies:review_start", args=["hate-harassment"])
    assert owner_client.get(start).status_code == 200
    response = owner_client.post(
        start,
        {
            "trigger": "case_review",
            "trigger_detail": "Domestic homicide review recommended joint training with the DA team",
            "trigger_reference": "DHR 2027/02",
            "started_on": "01/03/2027",
            "version_label": "2.1",
            "forum_meeting_on": "2027-04-12",
        },
    )
    assert response.status_code == 302
    post(
        owner_client,
        "hate-harassment",
        "consultation",
        {"opened_on": "2027-03-01", "closed_on": "2027-03-20", "summary": "Tenants' panel; DA team."},
    )
    post(
        owner_client,
        "hate-harassment",
        "eia",
        {"endorsed_on": "2027-03-30", "rating": "positive", "minute_ref": "EIA/27/4"},
    )
    post(owner_client, "hate-harassment", "forum", {"endorsed_on": "12/04/2027", "minute_ref": "PF/27/9"})
    post(
        owner_client,
        "hate-harassment",
        "board",
        {"approval_body": "Leadership Board", "approved_on": "2027-04-19", "minute_ref": "LB/27/2"},
    )
    post(
        owner_client,
        "hate-harassment",
        "document",
        {"kind": "policy", "file": pdf("Hate Harassment Policy v2.1.pdf")},
    )
    post(owner_client, "hate-harassment", "document", {"kind": "eia", "file": docx("EIA.docx")})
    page = owner_client.get(reverse("policies:review", args=["hate-harassment"]))
    assert page.context["step"] == ReviewStep.PUBLISH
    response = post(
        owner_client,
        "hate-harassment",
        "publish",
        {
            "version_label": "2.1",
            "change_summary": "Joint training with the DA team added to 6.0.",
            "review_frequency_months": "36",
            "effective_from": "2027-05-01",
        },
    )
    assert response["Location"] == reverse("policies:detail", args=["hate-harassment"])
    hhp = Policy.objects.get(pk=hhp.pk)
    assert (hhp.version, hhp.next_review_date, hhp.last_reviewed_on) == (
        "2.1",
        dt.date(2030, 4, 12),
        dt.date(2027, 4, 12),
    )
    amendment = hhp.amendments.get(version="2.1")
    assert (amendment.amended_on, amendment.reason) == (
        dt.date(2027, 5, 1),
        "Early review triggered by a case review (DHR 2027/02): "
        "Domestic homicide review recommended joint training with the DA team",
    )
    version = PolicyVersion.objects.get(policy=hhp, version="2.1")
    assert (
        version.forum_minute_ref,
        version.approval_minute_ref,
        version.eia_rating,
        version.published_by.username,
    ) == (
        "PF/27/9",
        "LB/27/2",
        "positive",
        "director",
    )
    assert sorted(version.documents.values_list("kind", "original_name")) == [
        ("eia", "EIA.docx"),
        ("policy", "Hate_Harassment_Policy_v2.1.pdf"),
    ]
    detail = owner_client.get(reverse("policies:detail", args=["hate-harassment"])).content.decode()
    assert "Joint training with the DA team added to 6.0." in detail
    assert "12 Apr 2030" in detail


@time_machine.travel(NOW)
def test_bad_step_input_is_a_400_naming_the_field_and_writes_nothing(owner_client, hhp):
    services.review_start(policy=hhp, trigger=ReviewTrigger.SCHEDULED)
    response = post(
        owner_client,
        "hate-harassment",
        "consultation",
        {"opened_on": "2028-10-01", "closed_on": "2028-09-01", "summary": "x"},
        status=400,
    )
    assert response.context["forms"]["consultation"].errors == {
        "closed_on": ["The consultation cannot close before it opened."]
    }
    response = post(
        owner_client, "hate-harassment", "eia", {"endorsed_on": "09/20/2028", "rating": "neutral"}, status=400
    )
    assert list(response.context["forms"]["eia"].errors) == ["endorsed_on"]
    review = PolicyReview.objects.get(policy=hhp)
    assert (review.consultation_summary, review.version.eia_endorsed_on) == ("", None)


@pytest.mark.parametrize(
    ("group", "holds_post", "register", "run"),
    [
        (AccessGroup.HR, False, 200, 200),
        (AccessGroup.POLICY_OWNER, True, 200, 200),
        (AccessGroup.POLICY_OWNER, False, 200, 403),
        (AccessGroup.AUDITOR, False, 200, 403),
        (AccessGroup.MANAGER, False, 403, 403),
        (AccessGroup.COLLEAGUE, False, 403, 403),
    ],
)
def test_who_sees_the_register_and_who_runs_a_review(client, hhp, group, holds_post, register, run):
    user = user_in(group)
    if holds_post:
        post_held_by(user)
    client.force_login(user)
    assert client.get(reverse("policies:register")).status_code == register
    assert client.get(reverse("policies:detail", args=["hate-harassment"])).status_code == register
    assert client.get(reverse("policies:calendar")).status_code == register
    assert client.get(reverse("policies:review_start", args=["hate-harassment"])).status_code == run
    response = client.post(
        reverse("policies:review_start", args=["hate-harassment"]),
        {"trigger": "scheduled", "started_on": "2026-11-01", "version_label": "3"},
    )
    assert response.status_code == (302 if run == 200 else run)
    assert PolicyReview.objects.count() == (1 if run == 200 else 0)


def test_signed_out_visitor_is_sent_to_sign_in(client, hhp):
    response = client.get(reverse("policies:register"))
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/policies/")


@time_machine.travel(NOW)
def test_a_version_label_already_used_is_refused_quoting_it(hhp):
    with pytest.raises(ValidationError) as error:
        services.review_start(policy=hhp, trigger=ReviewTrigger.SCHEDULED, version_label=f" {hhp.version} ")
    assert error.value.message_dict == {
        "version_label": [f"Version “{hhp.version}” of this policy already exists."]
    }
    assert PolicyReview.objects.count() == 0
