"""Issue 16 benchmark: roles from the data, for a manager of 500 colleagues (target: under 50 ms).

A manager (never a group: people.access.manages_anyone) over 20 team leaders
over 24 officers each, inside the shared data set. Times, median of many runs:

- the roles (core.access.user_groups, one query: the groups and "manages
  anyone"), which every page that checks access pays once;
- the scope (people.access.colleagues_for, the 500 below them, walked level by
  level), which every list page pays;
- the provider sign-in's account step (accounts.services.account_sign_in:
  the colleague matched, the roles set), rolled back after each run.

BENCH_COLLEAGUES sets the size of the shared data set (default 20,000; a
developer's run on a small machine may use 2,000).
"""

import os
import statistics
import time

from dataset import TODAY, ensure_dataset
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.services import account_sign_in
from accounts.sso import sso_username
from core.access import user_groups
from people.access import colleagues_for
from people.models import Colleague, Team

LEADS, PER_LEAD = 20, 24  # 20 + 20 x 24 = 500 below the manager
ISSUER = "https://login.example.com/bench/v2.0"


def timed(fn, runs=50):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def manager_of_500() -> Colleague:
    """The manager and their 500, in the data set for this run only."""
    team = Team.objects.create(name="Roles benchmark")
    start = TODAY.replace(year=TODAY.year - 3)

    def colleague(number, manager=None):
        return Colleague(
            employee_number=number,
            first_name="Bench",
            last_name=number,
            email=f"{number.lower()}@bench.example.org",
            team=team,
            line_manager=manager,
            start_date=start,
        )

    manager = colleague("RB-M")
    manager.save()
    leads = Colleague.objects.bulk_create([colleague(f"RB-L{i}", manager) for i in range(LEADS)])
    Colleague.objects.bulk_create(
        [colleague(f"RB-O{i}-{j}", lead) for i, lead in enumerate(leads) for j in range(PER_LEAD)]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_colleague")
    return manager


def main():
    print(f"data set: {ensure_dataset(int(os.environ.get('BENCH_COLLEAGUES', 20_000)))}")
    # Everything below is rolled back: the shared data set keeps its size, which is how the
    # other benchmarks know it is theirs to reuse.
    with transaction.atomic():
        measure()
        transaction.set_rollback(True)


def measure():
    manager = manager_of_500()
    claims = {"sub": "bench-manager", "email": manager.email.upper(), "groups": []}
    with transaction.atomic():
        user = account_sign_in(claims=claims, issuer=ISSUER, today=TODAY)
    assert user.username == sso_username(ISSUER, "bench-manager")

    def roles():
        fresh = get_user_model().objects.get(pk=user.pk)
        return user_groups(fresh)

    def scope():
        return len(list(colleagues_for(user).values_list("pk", flat=True)))

    def sign_in():
        with transaction.atomic():
            account_sign_in(claims=claims, issuer=ISSUER, today=TODAY)
            transaction.set_rollback(True)

    fresh = get_user_model().objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        names = user_groups(fresh)
    in_scope = scope()
    assert in_scope == 1 + LEADS + LEADS * PER_LEAD, in_scope
    print(f"roles: {sorted(names)} in {len(queries.captured_queries)} query; scope: {in_scope} colleagues")
    for label, fn in (
        ("roles (user_groups)", roles),
        ("scope (colleagues_for)", scope),
        ("sign-in account step", sign_in),
    ):
        median, worst = timed(fn)
        print(f"{label}: median {median * 1000:.1f} ms, slowest {worst * 1000:.1f} ms")
    median, _ = timed(lambda: (roles(), scope()))
    print(
        f"role derivation for a manager of 500 (roles + scope): median {median * 1000:.1f} ms (target < 50 ms)"
    )


if __name__ == "__main__":
    main()
