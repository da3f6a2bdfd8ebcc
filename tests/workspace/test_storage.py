"""core.filestore.DatabaseStorage on the real PostgreSQL: chunks, reads back, deletes, streams."""

import hashlib
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.filestore import CHUNK_BYTES, DatabaseStorage
from core.models import StoredChunk, StoredFile

pytestmark = pytest.mark.django_db


def test_default_storage_is_the_database():
    assert isinstance(
        default_storage._wrapped if hasattr(default_storage, "_wrapped") else default_storage, DatabaseStorage
    )


def test_a_file_is_stored_in_chunks_and_read_back_whole():
    content = os.urandom(CHUNK_BYTES * 2 + 123)
    storage = DatabaseStorage()
    name = storage.save("evidence/x/certificate.pdf", ContentFile(content))
    stored = StoredFile.objects.get(name=name)
    chunks = list(StoredChunk.objects.filter(file=stored).order_by("number").values_list("number", flat=True))
    with storage.open(name) as opened:
        read = opened.read()
    assert (stored.size, chunks, storage.size(name), storage.exists(name)) == (
        len(content),
        [0, 1, 2],
        len(content),
        True,
    )
    assert hashlib.sha256(read).hexdigest() == hashlib.sha256(content).hexdigest()


def test_reading_fetches_one_chunk_per_query():
    storage = DatabaseStorage()
    name = storage.save("a.pdf", ContentFile(b"x" * (CHUNK_BYTES * 3)))
    with CaptureQueriesContext(connection) as ctx, storage.open(name) as opened:
        pieces = iter(lambda: opened.read(8192), b"")
        total = sum(len(p) for p in pieces)
    # the file's row, then one query per chunk and one finding no fourth
    assert (total, len(ctx.captured_queries)) == (CHUNK_BYTES * 3, 5)


def test_a_taken_name_gets_another_and_delete_removes_the_chunks():
    storage = DatabaseStorage()
    first = storage.save("same.pdf", ContentFile(b"one"))
    second = storage.save("same.pdf", ContentFile(b"two"))
    storage.delete(first)
    assert (first == second, storage.exists(first), storage.exists(second)) == (False, False, True)
    assert StoredChunk.objects.count() == 1


def test_an_empty_file_reads_back_empty():
    storage = DatabaseStorage()
    name = storage.save("empty.pdf", ContentFile(b""))
    with storage.open(name) as opened:
        assert opened.read() == b""


def test_a_missing_file_is_not_found():
    with pytest.raises(FileNotFoundError):
        DatabaseStorage().open("nothing.pdf")


def test_stored_files_are_listed_by_folder():
    storage = DatabaseStorage()
    storage.save("evidence/aa/one.pdf", ContentFile(b"1"))
    storage.save("evidence/top.pdf", ContentFile(b"2"))
    assert storage.listdir("evidence") == (["aa"], ["top.pdf"])


def test_a_stored_file_has_no_public_address():
    assert DatabaseStorage().url("evidence/x.pdf") == ""
