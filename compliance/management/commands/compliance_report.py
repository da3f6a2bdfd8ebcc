import csv
import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from compliance.enums import Status
from compliance.reports import REPORT_FIELDS, compliance_report_rows
from core.spreadsheets import formula_escaped
from core.text import quoted
from people.models import Team


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: {quoted(value)} is not a date in the form YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Status of every active colleague against every requirement of their role, on a date."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today in Europe/London)")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--team", help="only this team (its name)")
        parser.add_argument("--status", choices=Status.values, help="only rows with this status")

    def handle(self, *args, as_of=None, format="csv", team=None, status=None, **options):
        day = iso_date(as_of) if as_of else timezone.localdate()
        if team and not Team.objects.filter(name__iexact=team).exists():
            raise CommandError(f"--team: no team called {quoted(team)}")
        rows = compliance_report_rows(day=day, team=team, status=status)
        if format == "json":
            self.stdout.write(json.dumps([r.as_json() for r in rows], indent=1))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=REPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            # HR opens this in a spreadsheet: a name like =HYPERLINK(...) must stay text (CSV injection).
            writer.writerow({k: formula_escaped(v) for k, v in row.as_json().items()})
