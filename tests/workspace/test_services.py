"""Requests and approvals: four eyes, once only, told by email; unverified training does not count."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError

from compliance.enums import Status, WaiverKind
from compliance.models import Requirement, Waiver
from compliance.selectors import compliance_on, eligibility_for
from core.access import AccessGroup
from tests.organisation import TODAY, user_in
from training.models import Course, Equivalence, Evidence, TrainingRecord
from workspace import services
from workspace.enums import RequestStatus
from workspace.models import Request

from .files import EXE, pdf, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr2(org):
    return user_in("hr2", AccessGroup.HR, email="hr2@example.org")


def status_of(colleague, code, day=TODAY):
    (found,) = compliance_on(type(colleague).objects.filter(pk=colleague.pk), day)
    return next(s for s in found.statuses if s.code == code)


def submit_training(org, by, **kw):
    return services.training_request_submit(
        colleague=org.people["N1"],
        course=Course.objects.get(code="HC-REFRESHER"),
        completed_on=dt.date(2026, 5, 20),
        uploaded=pdf(),
        reason="Refresher with the council, certificate attached.",
        by=by,
        **kw,
    )


def test_self_submitted_training_counts_only_once_verified(org, hr2):
    n1 = org.people["N1"]
    colleague = org.users["colleague"]
    request = submit_training(org, colleague)
    record = request.record
    assert (record.verified, status_of(n1, "HATE-REFRESHER").status) == (False, Status.OVERDUE)
    (answer,) = eligibility_for(["N1"], "hate_crime", TODAY)
    assert answer.eligible is False

    services.request_approve(request=request, by=org.users["hr"], comment="Certificate checked.")

    record.refresh_from_db()
    after = status_of(n1, "HATE-REFRESHER")
    assert (record.verified, after.status, after.valid_until) == (
        True,
        Status.COMPLIANT,
        dt.date(2028, 5, 20),
    )
    assert eligibility_for(["N1"], "hate_crime", TODAY)[0].eligible is True
    assert Evidence.objects.get(record=record).content_type == "application/pdf"


def test_a_trusted_providers_record_counts_at_once(org, settings):
    settings.TRAINING_TRUSTED_PROVIDERS = ["Stop Hate UK"]
    request = submit_training(org, org.users["colleague"], provider="Stop Hate UK")
    assert (request.record.verified, request.status) == (True, RequestStatus.PENDING)
    assert status_of(org.people["N1"], "HATE-REFRESHER").status == Status.COMPLIANT


def test_nobody_approves_their_own_request(org):
    hr = org.users["hr"]
    request = services.waiver_request_submit(
        colleague=org.people["N1"],
        requirement=Requirement.objects.get(code="HATE-REFRESHER"),
        kind=WaiverKind.EXTENSION,
        new_due_date=dt.date(2026, 9, 1),
        reason="Long-term sickness.",
        by=hr,
    )
    with pytest.raises(ValidationError) as refused:
        services.request_approve(request=request, by=hr, comment="")
    request.refresh_from_db()
    assert refused.value.messages == ["You made this request: someone else in HR must decide it (four eyes)."]
    assert (request.status, Waiver.objects.count()) == (RequestStatus.PENDING, 0)


def test_hr_does_not_decide_a_request_about_their_own_record(org, hr2):
    hr = org.users["hr"]
    org.people["N2"].user = hr
    org.people["N2"].save()
    request = services.waiver_request_submit(
        colleague=org.people["N2"],
        requirement=Requirement.objects.get(code="BTEC-L2"),
        kind=WaiverKind.EXEMPTION,
        starts_on=TODAY,
        reason="Holds an equivalent from abroad, being assessed.",
        by=hr2,
    )
    with pytest.raises(ValidationError):
        services.request_approve(request=request, by=hr, comment="")
    assert Waiver.objects.count() == 0


def test_approving_twice_is_refused_and_writes_nothing_more(org, hr2):
    request = submit_training(org, org.users["colleague"])
    stale = Request.objects.get(pk=request.pk)  # the second tab, loaded before the first approved
    services.request_approve(request=request, by=org.users["hr"], comment="ok")
    with pytest.raises(ValidationError) as refused:
        services.request_approve(request=stale, by=hr2, comment="me too")
    request.refresh_from_db()
    assert refused.value.messages[0].startswith("This request was already approved by hr at ")
    assert (request.decided_by, request.decision_comment) == (org.users["hr"], "ok")
    assert Request.history.filter(id=request.pk).count() == 2  # created, approved: no third change


def test_an_extension_writes_the_waiver_and_moves_the_due_date(org, hr2):
    request = services.waiver_request_submit(
        colleague=org.people["N1"],
        requirement=Requirement.objects.get(code="HATE-REFRESHER"),
        kind=WaiverKind.EXTENSION,
        new_due_date=dt.date(2026, 9, 1),
        reason="Course cancelled by the provider.",
        by=org.users["north"],
    )
    assert request.original_due_date == dt.date(2026, 3, 1)
    services.request_approve(request=request, by=hr2, comment="Agreed.")
    waiver = Waiver.objects.get()
    after = status_of(org.people["N1"], "HATE-REFRESHER")
    assert (waiver.approved_by, waiver.approved_on, waiver.recorded_by) == ("hr2", TODAY, hr2)
    assert (after.status, after.due_date) == (Status.PENDING, dt.date(2026, 9, 1))


def test_an_extension_must_move_the_due_date_later(org):
    with pytest.raises(ValidationError) as refused:
        services.waiver_request_submit(
            colleague=org.people["N1"],
            requirement=Requirement.objects.get(code="HATE-REFRESHER"),
            kind=WaiverKind.EXTENSION,
            new_due_date=dt.date(2026, 2, 1),
            reason="x",
            by=org.users["hr"],
        )
    assert refused.value.message_dict == {
        "new_due_date": ["The new due date must be after the current one (1 Mar 2026)."]
    }
    assert Request.objects.count() == 0


def test_an_exemption_ending_before_it_starts_is_refused(org):
    with pytest.raises(ValidationError) as refused:
        services.waiver_request_submit(
            colleague=org.people["N2"],
            requirement=Requirement.objects.get(code="BTEC-L2"),
            kind=WaiverKind.EXEMPTION,
            starts_on=dt.date(2026, 7, 1),
            ends_on=dt.date(2026, 6, 1),
            reason="Maternity leave.",
            by=org.users["hr"],
        )
    assert refused.value.message_dict == {"ends_on": ["The exemption cannot end before it starts."]}
    assert Request.objects.count() == 0


def test_an_equivalence_counts_for_those_who_hold_the_course(org, hr2):
    outside = Course.objects.create(code="EXT-HATE", title="Council hate crime course", kind="refresher")
    n2 = org.people["N2"]
    TrainingRecord.objects.create(colleague=n2, course=outside, completed_on=dt.date(2026, 4, 1))
    request = services.equivalence_request_submit(
        course=outside,
        satisfies=Course.objects.get(code="HC-REFRESHER"),
        reason="Same syllabus.",
        by=org.users["hr"],
    )
    services.request_approve(request=request, by=hr2, comment="")
    equivalence = Equivalence.objects.get(course=outside)
    after = status_of(n2, "HATE-REFRESHER")
    assert (equivalence.approved_by, after.status, after.valid_until) == (
        "hr2",
        Status.COMPLIANT,
        dt.date(2028, 4, 1),
    )


def test_the_requester_is_told_by_email(org, hr2, django_capture_on_commit_callbacks):
    org.users["colleague"].email = "amira@example.org"
    org.users["colleague"].save()
    request = submit_training(org, org.users["colleague"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_reject(request=request, by=hr2, comment="The certificate is for someone else.")
    (sent,) = mail.outbox
    assert (sent.to, sent.subject) == (["amira@example.org"], "Your training to verify request was rejected")
    assert "The certificate is for someone else." in sent.body
    # The course in words with its code beside it, as the pages name it.
    assert "(training to verify for Amira Ahmed, Hate crime refresher (HC-REFRESHER))" in sent.body
    assert f"/requests/{request.pk}/" in sent.body
    # About her own record: the email links to her own page too.
    assert f"Your training: {settings.SITE_URL.rstrip('/')}/me/" in sent.body


def test_rejecting_needs_a_comment(org, hr2):
    request = submit_training(org, org.users["colleague"])
    with pytest.raises(ValidationError):
        services.request_reject(request=request, by=hr2, comment=" ")
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_only_hr_decides(org):
    request = submit_training(org, org.users["colleague"])
    with pytest.raises(ValidationError) as refused:
        services.request_approve(request=request, by=org.users["north"], comment="")
    assert refused.value.messages == ["Only HR decides requests."]


def test_a_renamed_executable_as_evidence_writes_nothing(org):
    with pytest.raises(ValidationError):
        services.training_request_submit(
            colleague=org.people["N1"],
            course=Course.objects.get(code="HC-REFRESHER"),
            completed_on=dt.date(2026, 5, 20),
            uploaded=upload("certificate.pdf", EXE),
            reason="x",
            by=org.users["colleague"],
        )
    assert (TrainingRecord.objects.filter(colleague=org.people["N1"]).count(), Request.objects.count()) == (
        2,
        0,
    )


def test_the_database_refuses_a_decision_by_the_requester(org):
    from django.db import IntegrityError, transaction

    request = submit_training(org, org.users["colleague"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Request.objects.filter(pk=request.pk).update(
            status=RequestStatus.APPROVED, decided_by=org.users["colleague"], decided_at=request.requested_at
        )


def test_a_new_outside_course_joins_the_catalogue_only_when_approved(org, hr2):
    btec2 = Course.objects.get(code="BTEC2-CSC")
    asked = {
        "satisfies": btec2,
        "new_code": "cih-l3",
        "new_title": "CIH Level 3 Certificate",
        "by": org.users["hr"],
    }
    rejected = services.equivalence_request_submit(reason="Same level.", **asked)
    services.request_reject(request=rejected, by=hr2, comment="Not the same content.")
    assert not Course.objects.filter(code="CIH-L3").exists()

    approved = services.equivalence_request_submit(reason="Same level and content.", **asked)
    services.request_approve(request=approved, by=hr2, comment="")
    course = Course.objects.get(code="CIH-L3")
    assert (course.title, course.kind, course.level) == ("CIH Level 3 Certificate", "qualification", 2)
    assert Equivalence.objects.filter(course=course, satisfies=btec2, approved_by="hr2").exists()


def test_an_equivalence_names_one_course_not_both_nor_none(org):
    btec2 = Course.objects.get(code="BTEC2-CSC")
    with pytest.raises(ValidationError) as neither:
        services.equivalence_request_submit(satisfies=btec2, reason="x", by=org.users["hr"])
    with pytest.raises(ValidationError) as existing:
        services.equivalence_request_submit(
            satisfies=btec2, new_code="hc-refresher", new_title="x", reason="x", by=org.users["hr"]
        )
    assert neither.value.messages == ["Choose the outside course, or give the new one's code and title."]
    assert existing.value.message_dict == {
        "new_code": ["A course HC-REFRESHER exists already: choose it in the list."]
    }
    assert Request.objects.count() == 0
