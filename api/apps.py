from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Every REST endpoint under /api/ and its plumbing: keys, scopes, throttling, errors, schema.

    It reads compliance, people, policies and integrations (the API clients and
    webhooks are their models); none of them imports it.
    """

    name = "api"
    verbose_name = "REST API"
