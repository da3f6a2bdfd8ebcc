from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Case system integration"

    def ready(self):
        from compliance.changes import subscribe

        from .webhooks import eligibility_changes_apply

        subscribe("webhook events", eligibility_changes_apply)
