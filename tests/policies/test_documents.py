"""Uploaded policy and EIA documents: checked before anything is stored, served only to the register."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.access import AccessGroup
from core.models import StoredFile
from policies import services
from policies.enums import DocumentKind, ReviewTrigger
from policies.models import Policy, PolicyDocument
from policies.uploads import clean_file_name

from .helpers import PDF, docx, pdf, user_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(reference, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(dt.datetime(2028, 11, 20, 10, tzinfo=dt.UTC)):
        return services.review_start(
            policy=Policy.objects.get(slug="hate-harassment"), trigger=ReviewTrigger.SCHEDULED
        )


def stored_files(settings) -> list[str]:
    """Names in the file storage: PostgreSQL (core.filestore), which every process reads."""
    return sorted(StoredFile.objects.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hate Harassment Policy v3.pdf", "Hate_Harassment_Policy_v3.pdf"),
        ("C:\\Users\\jo\\Documents\\EIA 2028.DOCX", "EIA_2028.docx"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("règles été.odt", "règles_été.odt"),
    ],
)
def test_clean_file_name_keeps_the_last_part_and_safe_characters(raw, expected):
    assert clean_file_name(raw) == expected


@pytest.mark.parametrize("raw", ["", ".pdf", "policy", "bad\x00name.pdf", "tab\tname.pdf", "../"])
def test_clean_file_name_refuses_names_that_are_not_names(raw):
    with pytest.raises(ValidationError):
        clean_file_name(raw)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("policy.exe", b"MZ\x90\x00"), ".exe files are not accepted"),
        (SimpleUploadedFile("policy.pdf", b"<html>not a pdf</html>"), "not a .pdf document"),
        (SimpleUploadedFile("eia.docx", PDF), "not a .docx document"),
        (SimpleUploadedFile("eia.odt", b"PK\x03\x04broken zip"), "not a .odt document"),
        (SimpleUploadedFile("empty.pdf", b""), "The file is empty"),
        (SimpleUploadedFile("x" * 160 + ".pdf", PDF), "longer than 150 characters"),
    ],
)
def test_rejected_upload_writes_nothing(review, settings, upload, message):
    with pytest.raises(ValidationError, match=message):
        services.policy_document_upload(review=review, kind=DocumentKind.POLICY, uploaded=upload)
    assert (PolicyDocument.objects.count(), stored_files(settings)) == (0, [])


def test_too_big_upload_is_refused(review, settings, monkeypatch):
    monkeypatch.setattr("policies.uploads.MAX_BYTES", 100)
    with pytest.raises(ValidationError, match="larger than"):
        services.policy_document_upload(
            review=review, kind=DocumentKind.POLICY, uploaded=pdf(content=PDF * 3)
        )
    assert (PolicyDocument.objects.count(), stored_files(settings)) == (0, [])


def test_uploading_again_adds_a_revision_in_the_file_storage(review, settings):
    first = services.policy_document_upload(
        review=review, kind=DocumentKind.POLICY, uploaded=pdf("v3 draft.pdf")
    )
    second = services.policy_document_upload(
        review=review, kind=DocumentKind.POLICY, uploaded=pdf("v3 final.pdf")
    )
    eia = services.policy_document_upload(review=review, kind=DocumentKind.EIA, uploaded=docx())
    v = review.version_id
    assert [(d.kind, d.revision, d.original_name) for d in (first, second, eia)] == [
        ("policy", 1, "v3_draft.pdf"),
        ("policy", 2, "v3_final.pdf"),
        ("eia", 1, "eia.docx"),
    ]
    assert stored_files(settings) == [
        f"policies/hate-harassment/version-{v}/eia-r1-eia.docx",
        f"policies/hate-harassment/version-{v}/policy-r1-v3_draft.pdf",
        f"policies/hate-harassment/version-{v}/policy-r2-v3_final.pdf",
    ]
    assert (second.size, second.content_type, len(second.sha256)) == (len(PDF), "application/pdf", 64)


def test_rejected_upload_through_the_page_is_a_400_with_the_reason(client, review, settings):
    client.force_login(user_in(AccessGroup.HR))
    response = client.post(
        reverse("policies:review_step", args=["hate-harassment", "document"]),
        {"kind": "policy", "file": SimpleUploadedFile("minutes.xlsm", b"PK\x03\x04")},
    )
    assert response.status_code == 400
    assert response.context["forms"]["document"].non_field_errors() == [
        ".xlsm files are not accepted: upload the document as PDF, Word (.docx) or OpenDocument (.odt)."
    ]
    assert (PolicyDocument.objects.count(), stored_files(settings)) == (0, [])


@pytest.mark.parametrize(("group", "status"), [(AccessGroup.AUDITOR, 200), (AccessGroup.MANAGER, 403)])
def test_document_download_is_for_the_register_only(client, review, group, status):
    document = services.policy_document_upload(
        review=review, kind=DocumentKind.POLICY, uploaded=pdf("v3.pdf")
    )
    client.force_login(user_in(group))
    response = client.get(reverse("policies:document", args=[document.pk]))
    assert response.status_code == status
    if status == 200:
        assert (b"".join(response.streaming_content), response["Content-Disposition"]) == (
            PDF,
            'attachment; filename="v3.pdf"',
        )
