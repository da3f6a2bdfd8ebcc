"""Checks on an uploaded policy or EIA document before a byte of it is stored.

The name the browser sends is not trusted (it may carry a path, control
characters or a misleading extension), nor is its content type: the file's
own first bytes must match its extension. A rejected file writes nothing.
"""

import hashlib
import io
import os
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename

MAX_BYTES = 20 * 1024 * 1024
MAX_NAME = 150

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


def _looks_like(extension: str, head: bytes, data) -> bool:
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(data) as archive:
            names = set(archive.namelist())
            if extension == ".docx":
                return "[Content_Types].xml" in names and any(n.startswith("word/") for n in names)
            return "mimetype" in names and archive.read("mimetype").strip() == CONTENT_TYPES[".odt"].encode()
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def clean_file_name(raw: str) -> str:
    """A safe, readable file name from what the browser sent, or ValidationError."""
    name = unicodedata.normalize("NFC", raw or "")
    # Browsers on Windows have sent full paths; keep the last part whichever separator it uses.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise ValidationError("The file name contains control characters.", code="bad_name")
    stem, extension = os.path.splitext(name)
    if not stem.strip(" .") or not extension:
        raise ValidationError(
            "The file needs a name and an extension (.pdf, .docx or .odt).", code="bad_name"
        )
    safe = get_valid_filename(f"{stem.strip()}{extension.lower()}")
    if len(safe) > MAX_NAME:
        raise ValidationError(f"The file name is longer than {MAX_NAME} characters.", code="bad_name")
    return safe


def check_upload(uploaded) -> CheckedUpload:
    """Validate an UploadedFile: name, extension, size and that its content is what the extension says."""
    name = clean_file_name(uploaded.name)
    extension = os.path.splitext(name)[1]
    if extension not in CONTENT_TYPES:
        raise ValidationError(
            f"{extension} files are not accepted: upload the document as PDF, Word (.docx) or OpenDocument (.odt).",
            code="bad_type",
        )
    if uploaded.size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if uploaded.size > MAX_BYTES:
        raise ValidationError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.", code="too_big")
    digest = hashlib.sha256()
    buffer = io.BytesIO()
    for chunk in uploaded.chunks():
        digest.update(chunk)
        buffer.write(chunk)
    uploaded.seek(0)
    buffer.seek(0)
    if not _looks_like(extension, buffer.getvalue()[:8], buffer):
        raise ValidationError(
            f"The file's content is not a {extension} document (it may be renamed or damaged).",
            code="bad_content",
        )
    return CheckedUpload(
        name=name, content_type=CONTENT_TYPES[extension], size=uploaded.size, sha256=digest.hexdigest()
    )
