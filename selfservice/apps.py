from django.apps import AppConfig


class SelfServiceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "selfservice"
    verbose_name = "Colleague self-service"
