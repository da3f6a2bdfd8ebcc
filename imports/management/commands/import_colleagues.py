from imports.models import ImportKind

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Load colleagues (employee_number, first_name, last_name, email, role, team, manager, start_date, "
        "role_start_date, leaving_date) from CSV or XLSX; a known employee_number updates that colleague. "
        "Any problem rejects the whole file."
    )
    kind = ImportKind.COLLEAGUES

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--create-teams", action="store_true", help="create teams the file names that do not exist yet"
        )
