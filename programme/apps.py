from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = "Training programme"
    hr_records = True  # HR edits its records by hand (core.access.groups_ensure)
