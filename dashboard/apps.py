from django.apps import AppConfig


class DashboardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
    verbose_name = "Managers' dashboard"

    def ready(self):
        from compliance.changes import subscribe

        from .services import summary_apply_changes

        subscribe("dashboard summary", summary_apply_changes)
