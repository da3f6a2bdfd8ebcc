"""Copy files that earlier releases kept under MEDIA_ROOT into the database storage.

Policy documents were stored on the local disk of the web machine that took
the upload; they now live in PostgreSQL (core.filestore) like certificates.
Every FileField of every model is walked; a file already in the database is
left alone, so the command can be run again (and on every web machine that
kept files) safely. Run it once after upgrading, on each machine with a
MEDIA_ROOT holding files.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import models

from core.filestore import DatabaseStorage


class Command(BaseCommand):
    help = "Copy files from MEDIA_ROOT into the database storage (idempotent)."

    def handle(self, *args, **options):
        storage = DatabaseStorage()
        root = Path(settings.MEDIA_ROOT)
        moved = present = missing = 0
        for model in apps.get_models():
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
            for field in fields:
                names = model._base_manager.exclude(**{field: ""}).values_list(field, flat=True).distinct()
                for name in names:
                    if storage.exists(name):
                        present += 1
                        continue
                    path = root / name
                    if not path.is_file():
                        missing += 1
                        self.stderr.write(f"not found on this machine: {name}")
                        continue
                    with path.open("rb") as handle:
                        saved = storage._save(name, File(handle, name=name))
                    assert saved == name
                    moved += 1
        self.stdout.write(f"moved {moved}, already in the database {present}, not found here {missing}")
