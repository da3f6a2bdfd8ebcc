from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"
    hr_records = True  # HR edits its records by hand (core.access.groups_ensure)
