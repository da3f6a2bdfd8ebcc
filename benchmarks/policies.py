"""Issue 5 benchmark: the policy page's compliance against each requirement, on 20,000 colleagues.

The page counts today's status of every colleague against every requirement
the policy mandates, through the one engine; this prints its time beside the
engine's own time for everyone, and the query counts.
"""

import statistics
import time

from dataset import TODAY, ensure_dataset, peak_memory_mb
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.selectors import compliance_on
from people.models import Colleague
from policies.feed import review_calendar_sync, review_feed
from policies.models import Policy
from policies.selectors import policy_requirements_compliance, register_rows, review_calendar


def timed(fn, runs=5):
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main():
    print(f"data set: {ensure_dataset()}")
    policy = Policy.objects.get(slug="hate-harassment")
    engine, _ = timed(lambda: compliance_on(Colleague.objects.all(), TODAY))
    page, result = timed(lambda: policy_requirements_compliance(policy, TODAY))
    with CaptureQueriesContext(connection) as queries:
        policy_requirements_compliance(policy, TODAY)
    print(f"engine, every colleague: median {engine:.2f} s")
    print(
        f"policy page compliance: median {page:.2f} s ({page / engine:.2f}x the engine), "
        f"{len(queries.captured_queries)} queries; "
        + ", ".join(f"{r.requirement.code} {r.met}/{r.total}" for r in result)
    )

    def calendar_and_feed():
        rows = register_rows(Policy.objects.all(), TODAY)
        review_calendar(rows, TODAY)
        return review_feed(rows, review_calendar_sync(policies=[r.policy for r in rows]))

    feed, body = timed(calendar_and_feed, runs=9)
    print(
        f"calendar + feed for {Policy.objects.count()} policies: median {feed * 1000:.1f} ms, {len(body)} bytes"
    )
    print(f"peak memory: {peak_memory_mb():.0f} MB")


if __name__ == "__main__":
    main()
