from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"
    hr_records = True  # HR edits its records by hand (core.access.groups_ensure)

    def ready(self):
        from core.access import AccessGroup, role_derived_register

        from .access import manages_anyone

        # Managers come from the reporting lines, not from a group (issue 16).
        role_derived_register(AccessGroup.MANAGER, manages_anyone)
