from imports.models import ImportKind

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Load training records (employee_number, course, completed_on, provider, certificate, notes) "
        "from CSV or XLSX. A record is (employee_number, course, completed_on): loading a file twice "
        "creates nothing the second time. Any problem rejects the whole file."
    )
    kind = ImportKind.TRAINING
