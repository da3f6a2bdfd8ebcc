"""Certificates in the subject access export, and erased by the retention rule (the records stay)."""

import datetime as dt

import pytest

from core.models import StoredFile
from privacy.services import colleague_anonymise, subject_access_data
from programme.models import Booking, Session
from training.models import Course, Evidence, TrainingRecord
from workspace import services

from .files import pdf

pytestmark = pytest.mark.django_db


def certify(org, number, name):
    return services.completion_record(
        colleague=org.people[number],
        course=Course.objects.get(code="BTEC3-CSCNM"),
        completed_on=dt.date(2025, 1, 10),
        uploaded=pdf(name),
        by=org.users["hr"],
    )


def test_the_subject_access_export_lists_the_certificates(org):
    record = certify(org, "N2", "ben.pdf")
    evidence = record.evidence.get()
    export = subject_access_data(org.people["N2"])
    assert export["sections"]["training.evidence"] == [
        {
            "id": evidence.pk,
            "record_id": record.pk,
            "original_name": "ben.pdf",
            "content_type": "application/pdf",
            "size": evidence.size,
            "sha256": evidence.sha256,
            "uploaded_at": evidence.uploaded_at.isoformat(),
        }
    ]
    assert export["about"]["training.evidence"].startswith("Certificates attached to your training records")


def test_the_retention_rule_erases_a_leavers_certificates_and_keeps_the_record(org):
    n4 = org.people["N4"]
    record = certify(org, "N4", "dev.pdf")
    certify(org, "N2", "ben.pdf")
    colleague_anonymise(colleague=n4)
    assert TrainingRecord.objects.filter(pk=record.pk).exists()
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["ben.pdf"]
    assert StoredFile.objects.count() == 1
    assert set(Evidence.history.filter(record_id=record.pk).values_list("original_name", flat=True)) == {""}


def test_a_certificate_shared_by_a_session_stays_for_the_others(org):
    from django.utils import timezone

    start = timezone.now() - dt.timedelta(hours=3)
    session = Session.objects.create(
        course=Course.objects.get(code="SHUK-HATE"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=5,
        venue="Hall",
    )
    bookings = [
        Booking.objects.create(session=session, colleague=org.people[n], uid=f"{n}@t") for n in ("N4", "N2")
    ]
    services.session_completion_record(bookings=bookings, uploaded=pdf("register.pdf"), by=org.users["hr"])
    colleague_anonymise(colleague=org.people["N4"])
    (left,) = Evidence.objects.all()
    with left.file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF")
    assert left.record.colleague == org.people["N2"]
