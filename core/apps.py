from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from .access import groups_ensure

        # post_migrate is sent once per app with models, in INSTALLED_APPS order; by the
        # last of them every permission exists, whichever apps are added later.
        last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
        post_migrate.connect(groups_ensure, sender=last)
