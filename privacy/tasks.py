from celery import shared_task
from django.utils import timezone

from .services import anonymise_leavers


@shared_task
def anonymise_leavers_task() -> int:
    return len(anonymise_leavers(today=timezone.localdate()))
