from celery import shared_task


@shared_task
def worker_check() -> dict:
    """A worker proves it is alive and reads the same database as the web (used by health checks).

    It counts user accounts, which every installation has, so core names no app of ours.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection

    from .observability import request_id_var

    return {
        "database": connection.settings_dict["NAME"],
        "users": get_user_model().objects.count(),
        "request_id": request_id_var.get(),
    }


@shared_task(name="core.outbox_drain", outbox=False)
def outbox_drain() -> int:
    """Beat, every OUTBOX_DRAIN_SECONDS: send the tasks kept while Redis was down.

    Not itself kept in the outbox (outbox=False): while Redis is down beat
    simply asks again at its next tick.
    """
    from .outbox import outbox_drain as drain

    return drain()
