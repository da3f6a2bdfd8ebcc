"""The demo on a laptop: SQLite, no broker. Every demo login opens its pages without an error.

The suite runs on PostgreSQL; this one test runs the app as `make demo` does,
in its own process on a SQLite file, because SQLite refuses some SQL that
PostgreSQL takes (an ORDER BY inside a UNION's parts broke the officer's
page and the dashboard once) and the change triggers are SQLite's own there.
"""

import json
import os
import subprocess
import sys

from tests.servers import ROOT

SCRIPT = r"""
import json
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from accounts.testing import sign_in_verified
from compliance.models import Change

call_command("migrate", verbosity=0)
call_command("loaddata", "reference", verbosity=0)
call_command("seed_demo", verbosity=0)
answers = {}
pages = ["/", "/me/", "/overdue/", "/matrix/", "/kpi/", "/requests/", "/hr/", "/programme/", "/policies/"]
pages += ["/officers/?show=eligible", "/officers/?show=in_30&on=2025-01-31"]
for username in ["hr", "manager", "csmanager", "auditor", "policyowner", "officer"]:
    client = Client()
    sign_in_verified(client, get_user_model().objects.get(username=username))
    for path in pages:
        answers[f"{username} {path}"] = client.get(path).status_code
answers["changes waiting"] = Change.objects.count()
print(json.dumps(answers))
"""


def test_every_demo_login_opens_its_pages_on_sqlite(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DATABASE_URL", "CACHE_URL"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ALLOWED_HOSTS": "testserver",
        "DEBUG": "0",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    assert answers.pop("changes waiting") == 0  # the pages applied the demo's writes themselves
    errors = {page: status for page, status in answers.items() if status >= 500}
    assert errors == {}
    assert answers["officer /me/"] == 200
    assert answers["manager /"] == 200
    assert answers["hr /overdue/"] == 200
    assert answers["manager /officers/?show=eligible"] == 200
