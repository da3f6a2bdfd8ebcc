"""The production shape, end to end: gunicorn, a Celery worker and Celery beat cooperating on real services.

Every process is started here as a real subprocess with production settings
(`DJANGO_ENV=production`, DEBUG off, a random secret, hashed static files from
`collectstatic`, JSON logs), and the test speaks to them only through HTTP and
an SMTP sink:

- gunicorn with the project's gunicorn.conf.py, 2 workers, on a free loopback
  port. The one honest relaxation is that it serves plain HTTP on loopback, so
  SECURE_SSL_REDIRECT and the secure-cookie settings are turned off by their
  environment variables, exactly as `make up` does; everything else is what
  production runs;
- a Celery worker (`celery -A config worker`, prefork, 2 processes) and two
  Celery beats. Two, because a second beat started by mistake must not make a
  second email. Beat runs the production `reminders-daily` entry every few
  seconds instead of at 07:00 (tests/e2e/beat_app.py changes that schedule
  only);
- the machine's PostgreSQL, in a database created and migrated for this run
  and dropped at the end;
- a PRIVATE redis-server on a free port as broker, result backend and cache.
  The test stops it to see /readyz turn unhealthy and starts it again: doing
  that to the machine's Redis would break everyone else's tests;
- an SMTP sink (aiosmtpd) in this process, which the worker's email reaches;
- the organisation's OpenID provider (tests/oidc: the `oidc-provider` npm package) on a
  free loopback port; like gunicorn it speaks plain HTTP on loopback, so the production
  refusal of an http:// redirect URI is turned off by its variable, and only that.

The test stops every process it started by its own process group id, on
failure too. Logs are kept in test-artifacts/e2e-<pid>/.
"""

import base64
import csv
import datetime as dt
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import zoneinfo
from contextlib import ExitStack
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from django_otp.oath import totp

from core.dates import add_months, uk_date
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, OpenIDProvider
from tests.servers import (
    ROOT,
    Process,
    RedisServer,
    ScratchDatabase,
    SmtpSink,
    celery_command,
    free_port,
    stop_all,
    wait_for,
    wait_for_health,
)

pytestmark = pytest.mark.e2e

OFFICERS = 2_000  # two training records each: 4,000 rows, well over the background threshold
REMINDERS_EVERY_SECONDS = 2
HR_PASSWORD = "e2e-" + secrets.token_urlsafe(12)
LONDON = zoneinfo.ZoneInfo("Europe/London")

# Run once by `manage.py shell`: the reference data, the organisation (through the real
# colleague import command), the HR account and the case system's API key (printed last).
SEED = """
import os
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from core.access import AccessGroup

call_command("loaddata", "reference", verbosity=0)
call_command("import_colleagues", os.environ["E2E_COLLEAGUES"], "--create-teams")
hr = User.objects.create_user("hr-e2e", email="hr@example.org", password=os.environ["E2E_HR_PASSWORD"])
hr.groups.add(Group.objects.get(name=AccessGroup.HR))
call_command("issue_api_token", "case-system")
"""


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _run(args: list[str], env: dict, logs: Path, name: str) -> str:
    """A one-off manage.py command; its stdout, or a failure that points at its log."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    (logs / f"{name}.log").write_text(done.stdout + done.stderr)
    assert done.returncode == 0, f"manage.py {args[0]} failed: see {logs / name}.log\n{done.stderr[-2000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def stack():
    started = time.monotonic()
    logs = ROOT / "test-artifacts" / f"e2e-{os.getpid()}"
    logs.mkdir(parents=True, exist_ok=True)
    work = logs / "files"
    work.mkdir(exist_ok=True)
    today = dt.datetime.now(tz=LONDON).date()
    timings: dict[str, float] = {}

    def phase(name: str) -> None:
        timings[name] = round(time.monotonic() - started, 1)

    with ExitStack() as stop:
        # The logs stay for a failure's post-mortem; the 30 MB of collected static files do not.
        stop.callback(shutil.rmtree, work / "static", ignore_errors=True)
        database = ScratchDatabase(
            os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hate_training"), "endtoend"
        )
        database.create()
        stop.callback(database.drop)
        smtp = SmtpSink()
        smtp.start()
        stop.callback(smtp.stop)
        base_env = {
            k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "CELERY_", "DJANGO_ALLOW"))
        }
        redis = RedisServer(logs=logs)
        redis.start()
        stop.callback(redis.close)

        port = free_port()
        provider = OpenIDProvider(app_urls=[f"http://127.0.0.1:{port}"])
        stop.callback(provider.stop)
        provider.start()
        env = base_env | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ENV": "production",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback (no TLS proxy in front): as `make up`, and only these three.
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "DATABASE_URL": database.url,
            "CELERY_BROKER_URL": redis.url(0),
            "CELERY_RESULT_BACKEND": redis.url(0),
            "CACHE_URL": redis.url(1),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "DEFAULT_FROM_EMAIL": "training-compliance@example.org",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "LOG_FORMAT": "json",
            "STATIC_ROOT": str(work / "static"),
            "MEDIA_ROOT": str(work / "media"),
            # The file below has 4,000 rows, over the default 2,000 already; said here so the
            # test does not depend on the default.
            "IMPORT_BACKGROUND_ROWS": "1000",
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
            "E2E_REMINDERS_EVERY_SECONDS": str(REMINDERS_EVERY_SECONDS),
            "OIDC_ISSUER": provider.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_ROLE_GROUPS": "hr-staff=hr",
            # Plain HTTP on loopback, as above: the one relaxation of single sign-on.
            "OIDC_REQUIRE_HTTPS_REDIRECT": "0",
        }

        # Migrate and collect the static files side by side: the slowest part of the set-up.
        collect = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _run(["migrate", "--noinput", "-v0"], env, logs, "migrate")
        assert collect.wait(120) == 0, f"collectstatic failed: {collect.stderr.read().decode()[-2000:]}"
        collect.stderr.close()
        phase("migrated")

        python = sys.executable
        processes = {
            "web": [python, "-m", "gunicorn", "config.wsgi", "-c", "gunicorn.conf.py"],
            "worker": celery_command("worker", "-l", "info", "--concurrency=2"),
        }
        for name in ("beat-1", "beat-2"):
            processes[name] = celery_command(
                "beat", "-l", "info", f"--schedule={work / name}-schedule", app="tests.e2e.beat_app"
            )
        # Started before the data is loaded, so they boot while it loads (beat finds nobody to
        # remind until Rita is there, which is what it would do on a new install).
        running = {name: Process(name, args, env=env, logs=logs) for name, args in processes.items()}
        stop.callback(stop_all, running.values())

        # The organisation. Nobody has an email address but Rita, whose hate-crime
        # requirements fall due in 30 days: the reminder the worker must send once.
        rita_start = add_months(today + dt.timedelta(days=30), -12)
        header = ["employee_number", "first_name", "last_name", "email", "role", "team", "start_date"]
        rows = [[f"E{i:05d}", "Officer", f"{i}", "", "NHO", "North", "2020-04-06"] for i in range(OFFICERS)]
        rows.append(
            ["R00001", "Rita", "Reid", "rita.reid@example.org", "NHO", "North", rita_start.isoformat()]
        )
        colleagues = work / "colleagues.csv"
        colleagues.write_bytes(_csv(header, rows))
        seeded = _run(
            ["shell", "-c", SEED],
            env | {"E2E_COLLEAGUES": str(colleagues), "E2E_HR_PASSWORD": HR_PASSWORD},
            logs,
            "seed",
        )
        api_key = seeded.strip().splitlines()[-1]
        phase("seeded")

        base = f"http://127.0.0.1:{port}"

        wait_for_health(running["web"], base, timeout=60)
        phase("web up")
        yield SimpleNamespace(
            base=base,
            provider=provider,
            api_key=api_key,
            smtp=smtp,
            redis=redis,
            processes=running,
            today=today,
            rita_start=rita_start,
            logs=logs,
            work=work,
            started=started,
        )
        phase("checks done")
        print(f"\nend-to-end timings (s since start): {timings}")


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _sign_in_hr(base: str) -> requests.Session:
    """HR signs in through the real forms: password (django-axes counts it), then a TOTP code.

    It is this account's first sign-in, so the second-factor page sets up the
    authenticator: the code is worked out from the key that page shows, as an
    authenticator app would from the QR code.
    """
    web = requests.Session()
    login = web.get(f"{base}/accounts/login/?next=/imports/training/upload/")
    assert login.status_code == 200
    asked = web.post(
        f"{base}/accounts/login/?next=/imports/training/upload/",
        data={
            "csrfmiddlewaretoken": _csrf(login.text),
            "username": "hr-e2e",
            "password": HR_PASSWORD,
            "next": "/imports/training/upload/",
        },
    )
    assert asked.url == f"{base}/accounts/two-factor/?next=/imports/training/upload/", asked.url
    assert "Set up two-factor sign-in" in asked.text
    secret = re.search(r"<code>([A-Z2-7=]+)</code>", asked.text).group(1)
    code = f"{totp(base64.b32decode(secret)):06d}"
    upload_page = web.post(
        f"{base}/accounts/two-factor/",
        data={"csrfmiddlewaretoken": _csrf(asked.text), "token": code, "next": "/imports/training/upload/"},
    )
    assert upload_page.url == f"{base}/imports/training/upload/", upload_page.text[-1500:]
    assert "Upload training records" in upload_page.text
    web.upload_page = upload_page
    return web


def _follow(web: requests.Session, base: str, path: str) -> tuple[list[dict], dict]:
    """Poll the batch's progress endpoint, as the page's script does, until the worker has finished."""
    seen: list[dict] = []

    def finished():
        body = web.get(f"{base}{path}progress/", timeout=5).json()
        if not seen or body != seen[-1]:
            seen.append(body)
        return body if body["finished"] else None

    final = wait_for(finished, timeout=60, interval=0.05, what=f"the worker finishing {path}")
    return seen, final


def _eligibility(stack, number: str) -> dict:
    response = requests.get(
        f"{stack.base}/api/v1/eligibility/{number}/",
        params={"case_type": "hate_crime"},
        headers={"Authorization": f"Token {stack.api_key}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


def _worker_log(stack) -> list[dict]:
    lines = []
    for line in stack.processes["worker"].log().splitlines():
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
    return lines


def test_hr_uploads_training_on_the_web_the_worker_imports_it_and_the_case_system_sees_the_change(stack):
    assert _eligibility(stack, "E00000")["eligible"] is False  # overdue: no BTEC, no refresher
    web = _sign_in_hr(stack.base)

    completed = (stack.today - dt.timedelta(days=10)).isoformat()
    training = _csv(
        ["employee_number", "course", "completed_on", "provider", "certificate", "notes"],
        [
            [f"E{i:05d}", course, completed, "Pearson BTEC", "", ""]
            for i in range(OFFICERS)
            for course in ("BTEC2-CSC", "HC-REFRESHER")
        ],
    )
    uploaded = web.post(
        f"{stack.base}/imports/training/upload/",
        data={"csrfmiddlewaretoken": _csrf(web.upload_page.text), "encoding": "auto"},
        files={"file": ("training-week-48.csv", training, "text/csv")},
        allow_redirects=False,
    )
    assert uploaded.status_code == 302, uploaded.text[-1500:]
    preview_path = uploaded.headers["Location"]
    request_id = uploaded.headers["X-Request-ID"]
    assert re.fullmatch(r"/imports/\d+/", preview_path)

    # The preview runs on the worker; the page and its progress endpoint follow it.
    preview_progress, final = _follow(web, stack.base, preview_path)
    assert (final["status"], final["finished"]) == ("done", True)
    page = web.get(f"{stack.base}{preview_path}").text
    assert f"created {2 * OFFICERS}, updated 0, unchanged 0" in page
    assert "Confirm import" in page
    assert _eligibility(stack, "E00000")["eligible"] is False  # a preview writes nothing

    confirmed = web.post(
        f"{stack.base}{preview_path}confirm/",
        data={"csrfmiddlewaretoken": _csrf(page)},
        allow_redirects=False,
    )
    assert confirmed.status_code == 302
    import_path = confirmed.headers["Location"]
    assert import_path != preview_path
    import_progress, final = _follow(web, stack.base, import_path)
    assert (final["status"], final["finished"]) == ("done", True)
    done = web.get(f"{stack.base}{import_path}").text
    assert f"created {2 * OFFICERS}, updated 0, unchanged 0" in done
    assert "Records written" in done

    # What the page's progress bar showed: the worker's state before it finished.
    unfinished = [p for p in preview_progress + import_progress if not p["finished"]]
    assert unfinished, f"the progress endpoint never showed an import in progress: {preview_progress}"
    assert {p["status"] for p in unfinished} <= {"queued", "running"}
    assert all(p["done"] <= p["total"] for p in unfinished)

    # The case system's key sees the officer become eligible, from the same engine.
    after = _eligibility(stack, "E00000")
    assert after["eligible"] is True, after
    assert _eligibility(stack, f"E{OFFICERS - 1:05d}")["eligible"] is True

    # The upload's request id followed the import into the worker: its start and end lines carry it.
    traced = {
        (line["event"], line["task"], line.get("outcome"))
        for line in _worker_log(stack)
        if line.get("request_id") == request_id and line.get("logger") == "tasks"
    }
    assert traced == {
        ("start", "imports.tasks.import_batch_run", None),
        ("end", "imports.tasks.import_batch_run", "SUCCESS"),
    }


def test_beat_runs_the_reminders_and_the_worker_emails_rita_once_though_two_beats_run(stack):
    def runs() -> int:
        return sum(
            1
            for line in _worker_log(stack)
            if line.get("task") == "reminders.send_due" and line.get("event") == "end"
        )

    # Each beat sends the scheduled task every 2 s: wait for several runs from both.
    for name in ("beat-1", "beat-2"):
        wait_for(
            lambda name=name: stack.processes[name].log().count("Sending due task reminders-daily") >= 3,
            timeout=30,
            what=f"{name} sending reminders-daily three times",
        )
    wait_for(lambda: runs() >= 6, timeout=30, what="the worker running reminders.send_due six times")
    wait_for(lambda: stack.smtp.messages(), timeout=15, what="the reminder reaching the SMTP sink")
    # Two more runs after the email, so a late duplicate would have arrived too.
    seen = runs()
    wait_for(lambda: runs() >= seen + 2, timeout=30, what="two more scheduled runs")

    messages = stack.smtp.messages()
    assert [recipients for recipients, _ in messages] == [["rita.reid@example.org"]], messages
    message = messages[0][1]
    due = add_months(stack.rita_start, 12)
    assert message["Subject"] == f"Reminder: your hate-crime training is due by {uk_date(due)}"
    assert message["From"] == "training-compliance@example.org"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"{stack.base}/me/" in text  # the email links to her own page
    assert message.get_body(preferencelist=("html",)) is not None


def _web_log(stack) -> list[dict]:
    lines = []
    for line in stack.processes["web"].log().splitlines():
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
    return lines


def test_rita_signs_in_with_her_work_account_and_someone_unknown_is_sent_to_hr(stack):
    """Through gunicorn with production settings, and the provider: her first sign-in makes her account."""
    stack.provider.person("rita", email="RITA.REID@example.org")
    web = requests.Session()
    start = web.get(f"{stack.base}/accounts/sso/?next=/me/", allow_redirects=False, timeout=10)
    assert start.status_code == 302 and start.headers["Location"].startswith(stack.provider.issuer)
    back = stack.provider.authorize(start.headers["Location"], "rita")
    assert back.startswith(f"{stack.base}/accounts/sso/callback/?")
    own = web.get(back, timeout=10)
    assert own.url == f"{stack.base}/me/", own.text[-1500:]
    assert "Reid" in own.text
    # Signing out ends the provider's session too.
    out = web.post(
        f"{stack.base}/accounts/logout/", data={"csrfmiddlewaretoken": _csrf(own.text)}, allow_redirects=False
    )
    assert out.headers["Location"].startswith(f"{stack.provider.issuer}/session/end?")

    stack.provider.person("stranger", email="not.on.file@example.org")
    other = requests.Session()
    start = other.get(f"{stack.base}/accounts/sso/", allow_redirects=False, timeout=10)
    refused = other.get(stack.provider.authorize(start.headers["Location"], "stranger"), timeout=10)
    assert refused.status_code == 403
    assert "Ask HR to add you" in refused.text
    assert "sessionid" not in other.cookies or other.get(f"{stack.base}/me/").url.startswith(
        f"{stack.base}/accounts/login/"
    )
    said = [line["message"] for line in _web_log(stack) if line.get("logger") == "accounts.sign_in"]
    assert "sign-in refused: no_record" in said, said


def test_readyz_turns_unhealthy_without_redis_and_healthy_when_it_returns(stack):
    ready = requests.get(f"{stack.base}/readyz", timeout=10)
    assert (ready.status_code, ready.json()["status"]) == (200, "ok")

    stack.redis.stop()
    assert not stack.redis.answers()
    for _ in range(2):  # either gunicorn worker may answer
        down = requests.get(f"{stack.base}/readyz", timeout=10)
        assert down.status_code == 503
        assert down.headers["Content-Type"] == "application/json"
        body = down.json()
        assert body["status"] == "unavailable"
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["broker"].startswith("unreachable")
    assert requests.get(f"{stack.base}/healthz", timeout=10).status_code == 200  # alive all the same

    stack.redis.start()
    for _ in range(2):
        back = requests.get(f"{stack.base}/readyz", timeout=10)
        body = back.json()
        assert (back.status_code, body["status"], body["checks"]["database"], body["checks"]["broker"]) == (
            200,
            "ok",
            "ok",
            "ok",
        )
        # Changes recorded meanwhile are applied by beat's drain within seconds: never failing.
        assert body["checks"]["changes"] == "ok" or "changes waiting, oldest" in body["checks"]["changes"]
    for name, process in stack.processes.items():
        assert process.alive(), f"{name} died: see {process.log_path}"
