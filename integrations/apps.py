from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Case system integration"

    def ready(self):
        from . import signals  # noqa: F401 - connects the change-event receivers
