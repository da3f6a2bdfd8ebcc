import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Every task keeps its send in the database when Redis is down (core/outbox.py).
app = Celery("config", task_cls="core.outbox:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _use_django_logging(**kwargs):
    """Worker and beat log through Django's LOGGING (JSON lines when LOG_FORMAT=json)."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


# Task start/end/duration logs and request ids travel with the tasks.
import core.observability  # noqa: E402, F401
