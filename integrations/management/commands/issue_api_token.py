from django.core.management.base import BaseCommand, CommandError

from integrations.enums import Scope
from integrations.services import UnknownScope, api_client_issue


class Command(BaseCommand):
    help = (
        "Create an API client, or give an existing one a new key (the old key stops working). "
        "Prints the key alone on the last line: it is shown only this once."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="the client's name, e.g. case-system")
        parser.add_argument(
            "--scopes",
            default="",
            help=f"comma-separated, any of {','.join(Scope.values)} (default: eligibility)",
        )

    def handle(self, *args, name, scopes, **options):
        try:
            client, token = api_client_issue(name=name, scopes=scopes)
        except UnknownScope as exc:
            raise CommandError(f"--scopes: {exc}") from exc
        self.stderr.write(
            f"API client {client.name!r}, scopes {','.join(client.scopes)}; store this key now:"
        )
        self.stdout.write(token)
