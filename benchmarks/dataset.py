"""A realistic 20,000-colleague organisation in PostgreSQL, shared by the benchmarks.

Run any benchmark with DATABASE_URL pointing at a scratch database (default
postgres://postgres@127.0.0.1:5432/hate_training_bench); the data set is
built once and reused while its size matches.
"""

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hate_training_bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from people.models import Colleague, Role, RoleAssignment, Team  # noqa: E402
from training.models import Course, RecordSource, TrainingRecord  # noqa: E402

TODAY = dt.date(2026, 11, 28)
ROLES = ("NHO", "NHO", "NHO", "CSO", "CSO", "CSM")
TEAM_COUNT = 400


def ensure_database():
    """Create the scratch database if it does not exist, then migrate it."""
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    call_command("migrate", verbosity=0)
    call_command("loaddata", "reference", verbosity=0)


def ensure_dataset(colleagues: int = 20_000, seed: int = 20261128) -> dict:
    """Build `colleagues` officers with about five training records each, unless already there."""
    ensure_database()
    if Colleague.objects.count() == colleagues:
        return {"built": False, "colleagues": colleagues, "records": TrainingRecord.objects.count()}
    started = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE people_colleague, people_team, people_roleassignment, training_trainingrecord, "
                "compliance_waiver, people_historicalcolleague, people_historicalroleassignment, "
                "training_historicaltrainingrecord RESTART IDENTITY CASCADE"
            )
        teams = Team.objects.bulk_create(Team(name=f"Patch {i:03d}") for i in range(TEAM_COUNT))
        roles = {r.code: r for r in Role.objects.all()}
        courses = {c.code: c for c in Course.objects.all()}
        people = []
        for i in range(colleagues):
            start = TODAY - dt.timedelta(days=rng.randint(30, 15 * 365))
            leaving = None
            if rng.random() < 0.05:
                leaving = min(TODAY, start + dt.timedelta(days=rng.randint(1, 3000)))
            people.append(
                Colleague(
                    employee_number=f"E{100000 + i}",
                    first_name=f"First{i}",
                    last_name=f"Last{i}",
                    email=f"e{100000 + i}@example.org",
                    team=teams[i % TEAM_COUNT],
                    start_date=start,
                    leaving_date=leaving,
                )
            )
        people = Colleague.objects.bulk_create(people, batch_size=5000)
        assignments, records = [], []
        for c in people:
            role = rng.choice(ROLES)
            assignments.append(RoleAssignment(colleague=c, role=roles[role], started_on=c.start_date))
            qualification = {"NHO": "BTEC2-CSC", "CSO": "BTEC3-CSCNM", "CSM": "BTEC5-PAMCS"}[role]
            days_in = (TODAY - c.start_date).days
            seen = set()
            if rng.random() < 0.85:
                seen.add((qualification, c.start_date + dt.timedelta(days=rng.randint(0, min(days_in, 400)))))
            # A refresher roughly every two years, some late, some missed.
            day = c.start_date + dt.timedelta(days=rng.randint(60, 400))
            while day <= TODAY and len(seen) < 6:
                seen.add((rng.choice(("HC-REFRESHER", "SHUK-HATE")), day))
                day += dt.timedelta(days=rng.randint(500, 900))
            while len(seen) < 5:
                seen.add(("SHUK-HATE", c.start_date - dt.timedelta(days=rng.randint(1, 3000))))
            records += [
                TrainingRecord(
                    colleague=c,
                    course=courses[code],
                    completed_on=d,
                    provider="Bench",
                    source=RecordSource.IMPORT,
                )
                for code, d in seen
            ]
        RoleAssignment.objects.bulk_create(assignments, batch_size=5000)
        TrainingRecord.objects.bulk_create(records, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "built": True,
        "colleagues": colleagues,
        "records": TrainingRecord.objects.count(),
        "seconds": round(time.perf_counter() - started, 1),
    }


def peak_memory_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def bench_user(username, group, colleague=None, password=None):
    """A user in one of the access groups, optionally the given colleague's own account."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username=username)
    user.groups.set([Group.objects.get(name=group)])
    if password is not None:
        user.set_password(password)
        user.save(update_fields=["password"])
    if colleague is not None:
        Colleague.objects.filter(user=user).exclude(pk=colleague.pk).update(user=None)
        Colleague.objects.filter(pk=colleague.pk).update(user=user)
    return user
