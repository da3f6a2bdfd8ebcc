from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Imports"
    hr_records = True  # HR edits its records by hand (core.access.groups_ensure)
