import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.text import quoted
from dashboard.services import snapshot_backfill


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--until: {quoted(value)} is not a date in the form YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = (
        "Record the trend snapshots a year of nightly runs would have left (one per month end and one "
        "for --until), worked out by the engine on today's records. Days already recorded are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=12, help="months back from --until (default 12)")
        parser.add_argument("--until", help="YYYY-MM-DD (default: today in Europe/London)")
        parser.add_argument("--replace", action="store_true", help="work out again days already recorded")

    def handle(self, *args, months=12, until=None, replace=False, **options):
        if months < 0:
            raise CommandError("--months: must be 0 or more")
        day = iso_date(until) if until else timezone.localdate()
        done = snapshot_backfill(until=day, months=months, replace=replace)
        self.stdout.write(f"snapshots recorded for {len(done)} day{'s' if len(done) != 1 else ''}")
