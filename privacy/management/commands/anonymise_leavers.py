from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy.services import anonymise_leavers, leavers_due_for_anonymisation


class Command(BaseCommand):
    help = "Anonymise colleagues who left more than RETENTION_YEARS_AFTER_LEAVING years ago (preview with --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list who would be anonymised; change nothing"
        )

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        due = list(leavers_due_for_anonymisation(today=today))
        years = settings.RETENTION_YEARS_AFTER_LEAVING
        for c in due:
            self.stdout.write(f"{c.employee_number}\t{c.full_name}\tleft {c.leaving_date}")
        if dry_run:
            self.stdout.write(f"{len(due)} leavers would be anonymised (left more than {years} years ago)")
            return
        done = anonymise_leavers(today=today)
        self.stdout.write(f"{len(done)} leavers anonymised (left more than {years} years ago)")
