"""Health endpoints for load balancers and orchestrators: no authentication, no data."""

from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request):
    """The process is alive and answering."""
    return JsonResponse({"status": "ok"})


def _database() -> tuple[bool, str]:
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        plan = MigrationExecutor(connection).migration_plan(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
    except Exception as exc:
        return False, f"unreachable: {type(exc).__name__}"
    if plan:
        return False, f"{len(plan)} migrations not applied"
    return True, "ok"


def _broker() -> tuple[bool, str]:
    if not settings.CELERY_BROKER_URL:
        return True, "not configured: tasks run in-process"
    # The project's Celery app, without core importing the project (config/celery.py sets it current).
    from celery import current_app as app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return False, f"unreachable: {type(exc).__name__}"
    return True, "ok"


# Checks an app adds (core imports no app): name -> callable returning (ok, message). They are
# reported, and make the status "degraded", but never take the process out of service: a late
# background job is no reason to stop answering.
REPORTED_CHECKS: dict[str, Callable[[], tuple[bool, str]]] = {}


def readiness_report(name: str, check: Callable[[], tuple[bool, str]]) -> None:
    REPORTED_CHECKS[name] = check


@require_GET
@never_cache
def readyz(request):
    """Ready to serve: the database answers with every migration applied, and the broker answers."""
    checks = {"database": _database(), "broker": _broker()}
    ready = all(ok for ok, _ in checks.values())
    reported = {}
    if ready:
        for name, check in REPORTED_CHECKS.items():
            try:
                reported[name] = check()
            except Exception as exc:
                reported[name] = (False, f"check failed: {type(exc).__name__}")
    status = "ok" if all(ok for ok, _ in reported.values()) else "degraded"
    body = {
        "status": status if ready else "unavailable",
        "checks": {k: v for k, (_, v) in (checks | reported).items()},
    }
    return JsonResponse(body, status=200 if ready else 503)
