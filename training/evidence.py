"""Checks on a certificate file before a byte of it is stored.

The type is read from the file's content (its first bytes, with the
`filetype` package), never from its name or the browser's content type: a
renamed executable is refused, and a real PDF called "certificate.jpg" is
accepted as the PDF it is, and kept under a name with the right extension.
The file is read once, in pieces, to hash it: never whole into memory.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass

import filetype
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils.text import get_valid_filename

MAX_BYTES = 10 * 1024 * 1024
ACCEPTED = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
# filetype reads at most this many bytes from the start of a file.
HEAD_BYTES = 8192


@dataclass(frozen=True)
class CheckedEvidence:
    name: str
    content_type: str
    size: int
    sha256: str


def _head(uploaded) -> bytes:
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    uploaded.seek(0)
    return head


def evidence_check(uploaded) -> CheckedEvidence:
    """Validate an UploadedFile as a certificate: size, then type from content; ValidationError if not."""
    if uploaded.size == 0:
        raise ValidationError("The certificate file is empty.", code="empty")
    if uploaded.size > MAX_BYTES:
        megabytes = uploaded.size / (1024 * 1024)
        raise ValidationError(
            f"The certificate is {megabytes:.1f} MB: files of at most {MAX_BYTES // (1024 * 1024)} MB"
            " are accepted.",
            code="too_big",
        )
    found = filetype.guess(_head(uploaded))
    mime = found.mime if found else None
    shown = (uploaded.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    if mime not in ACCEPTED:
        what = f" (its content is {found.extension.upper()})" if found else ""
        raise ValidationError(
            f"“{shown}” is not a PDF, JPEG or PNG{what}: a certificate must be one of those, and a"
            " renamed file is refused.",
            code="bad_type",
        )
    # The browser's name, made safe; its extension is dropped for the one the content has.
    raw = unicodedata.normalize("NFC", os.path.splitext(shown)[0])
    raw = "".join(ch for ch in raw if not unicodedata.category(ch).startswith("C")).strip(" .")
    try:
        stem = get_valid_filename(raw)
    except SuspiciousFileOperation:  # nothing usable left of the name
        stem = "certificate"
    digest = hashlib.sha256()
    for piece in uploaded.chunks():
        digest.update(piece)
    uploaded.seek(0)
    # The extension follows the content, so the file opens in the right program when downloaded.
    return CheckedEvidence(
        name=f"{stem[:100]}{ACCEPTED[mime]}", content_type=mime, size=uploaded.size, sha256=digest.hexdigest()
    )
