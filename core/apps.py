from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from .access import groups_ensure

        # Sent once per app, in INSTALLED_APPS order; by the last app every permission exists
        # (whichever app was added last), so HR gets every new app's permissions on the first migrate.
        post_migrate.connect(groups_ensure, sender=list(apps.get_app_configs())[-1])
