"""A Django Storage that keeps files in PostgreSQL, in chunks.

Every web and worker process reaches the database, and nothing else is shared
between machines; at this scale (certificates and policy documents, a few MB
each, some thousands a year) the database is the one store that every process
can read, that `scripts/backup.sh` already dumps and `scripts/restore.sh`
restores, and that a transaction keeps consistent with the rows pointing at it.

Why not a package: django-db-file-storage (the maintained one, 0.5.6) keeps a
file base64-encoded in one text column and reads it whole; django-dbstorage
and django-db-storage have had no release for a decade. Here a file is
written as it arrives (the upload handler's 64 KB pieces gathered into 1 MB
rows) and read back one row at a time, so a 10 MB upload or download never
holds the whole file in memory.
"""

from __future__ import annotations

import io

from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.deconstruct import deconstructible

CHUNK_BYTES = 1024 * 1024


class ChunkReader(io.RawIOBase):
    """A read-only file over a stored file's chunks, fetching one chunk at a time."""

    def __init__(self, file_id: int, size: int):
        self.file_id, self.size = file_id, size
        self._number = 0
        self._buffer = memoryview(b"")

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> bool:
        from .models import StoredChunk

        data = (
            StoredChunk.objects.filter(file_id=self.file_id, number=self._number)
            .values_list("data", flat=True)
            .first()
        )
        if data is None:
            return False
        self._number += 1
        self._buffer = memoryview(bytes(data))
        return True

    def readinto(self, target) -> int:
        if not self._buffer and not self._next_chunk():
            return 0
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


@deconstructible
class DatabaseStorage(Storage):
    """Files as `core.StoredFile` rows with their bytes in `core.StoredChunk` rows."""

    def _open(self, name, mode="rb"):
        from .models import StoredFile

        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Stored files are read-only: save a new file instead.")
        found = StoredFile.objects.filter(name=name).values_list("pk", "size").first()
        if found is None:
            raise FileNotFoundError(name)
        reader = io.BufferedReader(ChunkReader(*found), buffer_size=CHUNK_BYTES)
        stored = File(reader, name=name)
        stored.size = found[1]
        return stored

    def _save(self, name, content) -> str:
        from .models import StoredChunk, StoredFile

        # All or nothing: a failed upload leaves no half-written file behind.
        with transaction.atomic():
            stored = StoredFile.objects.create(name=name)
            number, size, pending = 0, 0, bytearray()
            if hasattr(content, "seek"):
                content.seek(0)
            for piece in content.chunks(CHUNK_BYTES) if hasattr(content, "chunks") else [content.read()]:
                pending += piece
                while len(pending) >= CHUNK_BYTES:
                    StoredChunk.objects.create(file=stored, number=number, data=bytes(pending[:CHUNK_BYTES]))
                    del pending[:CHUNK_BYTES]
                    number += 1
                size += len(piece)
            if pending or number == 0:
                StoredChunk.objects.create(file=stored, number=number, data=bytes(pending))
            StoredFile.objects.filter(pk=stored.pk).update(size=size)
        return name

    def delete(self, name) -> None:
        from .models import StoredFile

        StoredFile.objects.filter(name=name).delete()

    def exists(self, name) -> bool:
        from .models import StoredFile

        return StoredFile.objects.filter(name=name).exists()

    def size(self, name) -> int:
        from .models import StoredFile

        found = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
        if found is None:
            raise FileNotFoundError(name)
        return found

    def get_created_time(self, name):
        from .models import StoredFile

        return StoredFile.objects.get(name=name).created_at

    get_modified_time = get_created_time

    def listdir(self, path):
        from .models import StoredFile

        prefix = f"{path.rstrip('/')}/" if path else ""
        dirs, files = set(), []
        for name in StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True):
            rest = name[len(prefix) :]
            if "/" in rest:
                dirs.add(rest.split("/", 1)[0])
            else:
                files.append(rest)
        return sorted(dirs), sorted(files)

    def url(self, name):
        # No public address: every file is served by a view that checks who asks and logs it
        # (a certificate, a policy document). The admin's read-only file fields ask for one
        # anyway, so they get an empty link rather than an error.
        return ""
