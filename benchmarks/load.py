"""Issue 7 benchmark: 50 concurrent clients for 60 seconds, on the API and a manager's page.

On the 20,000-colleague data set (dataset.py) in PostgreSQL, gunicorn with the
production configuration (gunicorn.conf.py: 2 workers per core + 1) on a
loopback port. At the same time, for the same 60 seconds:

- 25 connections of the case system ask `GET /api/v1/eligibility/<n>/` about
  random officers with an API key;
- 25 connections of 25 managers, each signed in through the real form,
  open the overdue list of their own team (about 50 colleagues).

Both loads stop by themselves when the time is up. Prints, for each: requests,
requests per second, p50, p99 and worst latency, and errors (anything but a
200, or a connection that failed or timed out after 30 s). Target: zero errors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hate_training_bench .venv/bin/python benchmarks/load.py
"""

import http.cookiejar
import os
import re
import secrets
import threading
import urllib.parse
import urllib.request

from dataset import TODAY, bench_user, ensure_dataset
from serving import load, start_gunicorn, warm

from core.access import AccessGroup
from dashboard.services import summary_rebuild
from integrations.models import ApiClient
from integrations.services import api_client_issue
from people.models import Team
from tests.servers import free_port, stop_process_group

SECONDS = int(os.environ.get("BENCH_SECONDS", 60))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 50))
COLLEAGUES = 20_000
MANAGERS = CLIENTS // 2
PASSWORD = secrets.token_urlsafe(16)  # this run only


def session_cookie(base: str, username: str) -> str:
    """Sign in through the login form, as a browser would; the session cookie for later requests."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/"}
    ).encode()
    opener.open(urllib.request.Request(f"{base}/accounts/login/", data=form, headers={"Referer": base}))
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError("signing in failed")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def main():
    print(f"data set: {ensure_dataset(COLLEAGUES)}")
    summary_rebuild(day=TODAY)  # the overdue list for today reads the nightly summary
    _, token = api_client_issue(name="load benchmark", scopes="eligibility")
    # A case system at this rate would be given its own limit; the default would answer 429.
    ApiClient.objects.filter(name="load benchmark").update(throttle_rate="100000000/min")
    managers = []
    for team in Team.objects.filter(name__startswith="Patch ").order_by("name")[:MANAGERS]:
        if team.manager is None:
            team.manager = team.colleagues.order_by("employee_number").first()
            team.save(update_fields=["manager"])
        managers.append(bench_user(f"load-{team.name}", AccessGroup.MANAGER, team.manager, password=PASSWORD))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, workers=None)
    try:
        cookies = [{"Cookie": session_cookie(base, m.username)} for m in managers]
        targets = {
            "API GET /api/v1/eligibility/<n>/": (
                f"/api/v1/eligibility/E%d/?case_type=hate_crime&on={TODAY}",
                {"Authorization": f"Token {token}"},
                100000,
                COLLEAGUES,
            ),
            # `n` varies the address only: the page ignores it, caches cannot answer for it.
            "managers' overdue lists (teams of 50)": (
                f"/overdue/?on={TODAY}&status=any&n=%d",
                cookies,
                0,
                1_000_000,
            ),
        }
        for prefix, headers, first, _ in targets.values():
            warm(
                base, prefix, first=first, headers=headers if isinstance(headers, dict) else headers[0], n=20
            )
        results = {}

        def run(name, prefix, headers, first, count):
            results[name] = load(
                base, prefix, first=first, count=count, headers=headers,
                connections=CLIENTS // len(targets), seconds=SECONDS,
            )  # fmt: skip

        threads = [threading.Thread(target=run, args=(name, *t)) for name, t in targets.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        stop_process_group(server)

    print(f"{CLIENTS} concurrent clients for {SECONDS} s, gunicorn with the production configuration")
    print(f"{'':40} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}")
    for name, r in results.items():
        print(
            f"{name:40} {r['requests']:9d} {r['rps']:7.0f} {r['p50']:8.1f} {r['p99']:8.1f} "
            f"{r['max']:8.1f} {r['errors']:7d}"
        )
    errors = sum(r["errors"] for r in results.values())
    print(f"errors: {errors} (target 0) {'PASS' if errors == 0 else 'FAIL'}")


if __name__ == "__main__":
    main()
