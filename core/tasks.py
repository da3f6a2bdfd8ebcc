from celery import shared_task


@shared_task
def worker_check() -> dict:
    """A worker proves it is alive and reads the same database as the web (used by health checks)."""
    from django.db import connection

    from people.models import Colleague

    from .observability import request_id_var

    return {
        "database": connection.settings_dict["NAME"],
        "colleagues": Colleague.objects.count(),
        "request_id": request_id_var.get(),
    }
