from django.core.management.base import BaseCommand
from django.utils import timezone

from dashboard.services import summary_rebuild

from .snapshot_backfill import iso_date


class Command(BaseCommand):
    help = "Work out the dashboard's summary (every colleague's statuses and eligibility) for a day, as the nightly task does."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today in Europe/London)")
        parser.add_argument(
            "--no-snapshot", action="store_true", help="do not record the day's trend snapshot"
        )

    def handle(self, *args, date=None, no_snapshot=False, **options):
        day = iso_date(date) if date else timezone.localdate()
        run = summary_rebuild(day=day, snapshot=not no_snapshot)
        self.stdout.write(f"summary for {run.computed_for}: {run.colleagues} colleagues")
