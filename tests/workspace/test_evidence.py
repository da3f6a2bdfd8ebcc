"""Certificate files: the type from the content, the size limit, and the messages."""

import pytest
from django.core.exceptions import ValidationError

from training.evidence import MAX_BYTES, evidence_check

from .files import EXE, JPEG, PDF, PNG, pdf, upload


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("certificate.pdf", PDF, ("certificate.pdf", "application/pdf")),
        ("scan.png", PNG, ("scan.png", "image/png")),
        ("photo.jpeg", JPEG, ("photo.jpg", "image/jpeg")),
        # A real PDF with the wrong extension is the PDF it is, kept under the right name.
        ("certificate.jpg", PDF, ("certificate.pdf", "application/pdf")),
        ("no extension", PDF, ("no_extension.pdf", "application/pdf")),
    ],
)
def test_accepted_files_take_their_type_from_the_content(name, content, expected):
    checked = evidence_check(upload(name, content))
    assert (checked.name, checked.content_type, checked.size) == (*expected, len(content))


def test_a_renamed_executable_is_refused_with_a_message():
    with pytest.raises(ValidationError) as refused:
        evidence_check(upload("certificate.pdf", EXE, "application/pdf"))
    assert refused.value.messages == [
        "“certificate.pdf” is not a PDF, JPEG or PNG (its content is EXE): a certificate must be one of"
        " those, and a renamed file is refused."
    ]


def test_a_text_file_renamed_pdf_is_refused():
    with pytest.raises(ValidationError) as refused:
        evidence_check(upload("certificate.pdf", b"just some words, not a PDF"))
    assert refused.value.code == "bad_type"


def test_a_file_over_10_mb_is_refused_with_its_size():
    with pytest.raises(ValidationError) as refused:
        evidence_check(pdf(padding=11 * 1024 * 1024 - len(PDF)))
    assert refused.value.messages == ["The certificate is 11.0 MB: files of at most 10 MB are accepted."]


def test_a_file_of_exactly_10_mb_is_accepted():
    assert evidence_check(pdf(padding=MAX_BYTES - len(PDF))).size == MAX_BYTES


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        evidence_check(upload("certificate.pdf", b""))
    assert refused.value.code == "empty"
