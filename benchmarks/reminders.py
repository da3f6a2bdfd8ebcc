"""Issue 4 (points 7 and 8) on the 20,000-colleague data set: the daily reminder run and the calendar feed.

Prints the time and query count of the daily dispatcher (every colleague's
statuses, then who has a reminder to send), of one colleague's send, and of
the calendar feed for a manager of one patch and for HR (everyone). Writes
nothing that stays: sends and feeds run inside transactions rolled back.
"""

import statistics
import time

from dataset import TODAY, ensure_dataset, peak_memory_mb
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from core.access import AccessGroup
from people.models import Colleague, Team
from reminders.calendar import team_due_dates_calendar
from reminders.selectors import reminder_candidates
from reminders.services import colleague_reminders_send


def timed(fn, runs=5):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return statistics.median(times), len(ctx.captured_queries), result


class Rollback(Exception):
    pass


def main():
    from django.contrib.auth import get_user_model

    print(f"data set: {ensure_dataset()}")
    median, queries, ids = timed(lambda: reminder_candidates(day=TODAY))
    print(
        f"daily run, who to remind: median {median:.2f} s, {queries} queries, {len(ids)} colleagues to email"
    )

    try:
        with (
            transaction.atomic(),
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        ):
            sample = ids[:50]
            costs, started = [], time.perf_counter()
            for pk in sample:
                with CaptureQueriesContext(connection) as ctx:
                    colleague_reminders_send(colleague_id=pk, day=TODAY)
                costs.append(len(ctx.captured_queries))
            per = (time.perf_counter() - started) / len(sample) * 1000
            print(
                f"one colleague's reminder task: {per:.0f} ms each, "
                f"{min(costs)}-{max(costs)} queries (claims: 3 per reminder)"
            )

            User = get_user_model()
            hr = User.objects.create(username="bench-hr")
            hr.groups.add(Group.objects.get(name=AccessGroup.HR))
            team = Team.objects.order_by("pk").first()
            head = team.colleagues.order_by("pk").first()
            manager = User.objects.create(username="bench-manager")
            manager.groups.add(Group.objects.get(name=AccessGroup.MANAGER))
            Colleague.objects.filter(pk=head.pk).update(user=manager)
            team.manager = head
            team.save()
            for label, user in ((f"a manager of one patch ({team.colleagues.count()})", manager), ("HR", hr)):
                median, queries, body = timed(
                    lambda u=user: team_due_dates_calendar(user=u, day=TODAY), runs=3
                )
                print(
                    f"calendar feed for {label}: median {median * 1000:.0f} ms, {queries} queries, "
                    f"{body.count(b'BEGIN:VEVENT')} events, {len(body) / 1e6:.1f} MB"
                )
            raise Rollback
    except Rollback:
        pass
    print(f"peak memory: {peak_memory_mb():.0f} MB")


if __name__ == "__main__":
    main()
