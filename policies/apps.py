from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "Policies"
    hr_records = True  # HR edits its records by hand (core.access.groups_ensure)

    def ready(self):
        from . import signals

        signals.connect()
