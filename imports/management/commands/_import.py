import getpass
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.text import quoted
from imports.models import ImportSource
from imports.progress import CommandProgress
from imports.reading import CSV_ENCODINGS
from imports.resources import RESOURCES, SourceFile
from imports.services import ImportInterrupted, size_problem


def who_runs_this() -> str:
    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):  # a container user with no passwd entry
        return f"command line ({os.environ.get('USER', 'unknown')})"


class ImportCommand(BaseCommand):
    """docs/interfaces.md §2: the last line of stdout is `created C, updated U, unchanged N`; a rejected file
    prints `row R: COLUMN: message` per problem, writes nothing and exits 1."""

    kind: str

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="a CSV file or an Excel workbook (.xlsx; the sheet with the column headings is read)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--encoding",
            choices=list(CSV_ENCODINGS),
            default="auto",
            help="of a CSV file (default: detect UTF-8, with or without BOM, or Windows-1252)",
        )

    def handle(self, *args, path, dry_run=False, encoding="auto", create_teams=False, **options):
        file = Path(path)
        shown_name = quoted(file.name, limit=255)  # a file name may hold a line break too
        try:
            too_big = size_problem(file.stat().st_size)
            content = b"" if too_big else file.read_bytes()
        except OSError as e:
            raise CommandError(f"cannot read {quoted(path, limit=255)}: {e.strerror}", returncode=1) from None
        if too_big:
            self.stdout.write(str(too_big))
            raise CommandError(f"{shown_name} was rejected; nothing was written", returncode=1)

        progress = CommandProgress(self.stderr._out)
        try:
            result = RESOURCES[self.kind]().import_data(
                SourceFile(content, file.name),
                dry_run=dry_run,
                file_name=file.name,
                source=ImportSource.COMMAND,
                by_name=who_runs_this(),
                create_teams=create_teams,
                encoding=encoding,
                progress=progress,
            )
        except ImportInterrupted as e:
            raise CommandError(f"{shown_name}: {e} (import {e.batch.pk})", returncode=1) from None
        finally:
            progress.close()
        outcome, batch = result.outcome, result.batch
        for warning in batch.warnings:
            self.stderr.write(f"warning: {warning}")
        if outcome.rejected:
            for problem in outcome.problems:
                self.stdout.write(str(problem))
            count = len(outcome.problems)
            raise CommandError(
                f"{shown_name} was rejected ({count} problem{'s' if count != 1 else ''}); nothing was written "
                f"(import {batch.pk})",
                returncode=1,
            )
        for name in outcome.new_teams:
            self.stdout.write(f"new team: {quoted(name)}")
        if dry_run:
            self.stdout.write(f"dry run (import {batch.pk}): nothing was written")
        if batch.skipped_line:
            self.stdout.write(batch.skipped_line)
        self.stdout.write(batch.counts_line)
