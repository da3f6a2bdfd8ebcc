"""The production Celery app with one change for the end-to-end test: reminders every few seconds.

Beat is started as `celery -A tests.e2e.beat_app beat`. The entry is the
production one (`reminders-daily` in settings.CELERY_BEAT_SCHEDULE: same
task, same arguments), only its 07:00 crontab becomes an interval of
E2E_REMINDERS_EVERY_SECONDS, so the test sees the scheduled run within
seconds rather than waiting for tomorrow morning. The drain of changes
(every few seconds in production too) is kept as it is; the other entries
are left out: they are nightly jobs the test does not look at.
"""

import datetime as dt
import os

from django.conf import settings

from config.celery import app

_entry = dict(settings.CELERY_BEAT_SCHEDULE["reminders-daily"])
_entry["schedule"] = dt.timedelta(seconds=float(os.environ["E2E_REMINDERS_EVERY_SECONDS"]))
app.conf.beat_schedule = {
    "reminders-daily": _entry,
    "compliance-changes-apply": settings.CELERY_BEAT_SCHEDULE["compliance-changes-apply"],
}

__all__ = ["app"]
