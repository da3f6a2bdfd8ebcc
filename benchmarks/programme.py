"""Issue 6 benchmark: proposing a session's colleagues and the coverage plan for 20,000 colleagues.

Both go through the one compliance engine; the query count must not grow
with the number of colleagues.
"""

import datetime as dt
import statistics
import time
from zoneinfo import ZoneInfo

from dataset import TODAY, ensure_dataset, peak_memory_mb
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.selectors import catalogue_load, compliance_on
from people.models import Colleague
from programme.models import Session
from programme.selectors import coverage_for, session_candidates
from training.models import Course

LONDON = ZoneInfo("Europe/London")


def timed(fn, runs=5):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), result


def queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def ensure_programme():
    """A year of monthly Stop Hate UK sessions from a month after the data set's day (once)."""
    course = Course.objects.get(code="SHUK-HATE")
    if not Session.objects.filter(notes="benchmark").exists():
        for month in range(12):
            day = dt.date(2026 + (11 + month) // 12, (11 + month) % 12 + 1, 14)
            start = dt.datetime.combine(day, dt.time(10), tzinfo=LONDON)
            Session.objects.create(
                course=course,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=3),
                capacity=30,
                venue="Civic Centre",
                notes="benchmark",
            )
    return Session.objects.filter(notes="benchmark").select_related("course").order_by("starts_at").first()


def main():
    info = ensure_dataset()
    print(f"data set: {info}")
    session = ensure_programme()
    everyone = Colleague.objects.all()
    ten = Colleague.objects.filter(pk__in=Colleague.objects.values("pk")[:10])
    catalogue = catalogue_load()

    # The baseline on the same machine and moment: the engine's own every-status run.
    median, best, _ = timed(lambda: compliance_on(everyone, session.local_date, catalogue))
    print(f"baseline, every status of 20,000 colleagues: median {median:.2f} s, best {best:.2f} s")

    median, best, proposed = timed(
        lambda: session_candidates(session=session, colleagues=everyone, limit=30, catalogue=catalogue)
    )
    print(
        f"propose 30 places among 20,000 colleagues: median {median:.2f} s, best {best:.2f} s "
        f"(first due {proposed[0].due_date}, last {proposed[-1].due_date})"
    )
    print(
        "  queries: "
        f"{queries(lambda: session_candidates(session=session, colleagues=everyone, limit=30, catalogue=catalogue))}"
        f" for everyone, "
        f"{queries(lambda: session_candidates(session=session, colleagues=ten, limit=30, catalogue=catalogue))}"
        " for 10 colleagues"
    )

    median, best, coverage = timed(
        lambda: coverage_for(colleagues=everyone, today=TODAY, catalogue=catalogue)
    )
    refreshers = coverage.kinds[0]
    print(
        f"coverage plan, 12 months x 400 teams: median {median:.2f} s, best {best:.2f} s "
        f"({refreshers.total.total} refreshers due incl. {refreshers.total.overdue} overdue; "
        f"{sum(refreshers.places)} places planned)"
    )
    print(
        f"  queries: {queries(lambda: coverage_for(colleagues=everyone, today=TODAY, catalogue=catalogue))}"
        f" for everyone, {queries(lambda: coverage_for(colleagues=ten, today=TODAY, catalogue=catalogue))}"
        " for 10 colleagues"
    )
    print(f"peak memory: {peak_memory_mb():.0f} MB")


if __name__ == "__main__":
    main()
