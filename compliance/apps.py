from django.apps import AppConfig
from django.core.signals import setting_changed
from django.db.models.signals import post_migrate


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"
    hr_records = True  # HR edits its records by hand (core.access.groups_ensure)

    def ready(self):
        from core.views import readiness_report

        from . import changes, selectors

        # After every migrate: the change triggers match the declaration (compliance.changes.WATCHED).
        post_migrate.connect(changes.triggers_install, sender=self, dispatch_uid="compliance-triggers")
        # A catalogue change: this process forgets its cached copy at once (others within seconds).
        changes.subscribe("catalogue cache", selectors.catalogue_forget_on_change)
        setting_changed.connect(selectors.catalogue_forget, dispatch_uid="catalogue-settings")
        readiness_report("changes", changes.changes_health)
