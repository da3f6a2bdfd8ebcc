"""Issue 2 benchmark: every status for 20,000 colleagues on one date, loading included.

Target on a 2-core machine: under 2 seconds, with a query count that does not
grow with the number of colleagues.
"""

import statistics
import time

from dataset import TODAY, ensure_dataset, peak_memory_mb
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from compliance.selectors import compliance_on, eligibility_for
from people.models import Colleague


def timed(fn, runs=5):
    times = []
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), result


def main():
    info = ensure_dataset()
    print(f"data set: {info}")
    median, best, result = timed(lambda: compliance_on(Colleague.objects.all(), TODAY))
    statuses = sum(len(c.statuses) for c in result)
    with CaptureQueriesContext(connection) as ctx:
        compliance_on(Colleague.objects.all(), TODAY)
    with CaptureQueriesContext(connection) as small:
        compliance_on(Colleague.objects.filter(pk__in=Colleague.objects.values("pk")[:10]), TODAY)
    print(
        f"every status, 20,000 colleagues: median {median:.2f} s, best {best:.2f} s "
        f"({len(result)} active colleagues, {statuses} statuses)"
    )
    print(
        f"queries: {len(ctx.captured_queries)} for everyone, {len(small.captured_queries)} for 10 colleagues"
    )
    numbers = list(Colleague.objects.values_list("employee_number", flat=True)[:1000])
    median, _, _ = timed(lambda: eligibility_for(numbers, "hate_crime", TODAY), runs=9)
    print(f"eligibility for 1,000 officers: median {median * 1000:.0f} ms")
    print(f"peak memory: {peak_memory_mb():.0f} MB")


if __name__ == "__main__":
    main()
