from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from .access import groups_ensure

        # Sent once per app; by the last of the product's apps every permission exists.
        post_migrate.connect(groups_ensure, sender=apps.get_app_config("compliance"))
