#!/usr/bin/env bash
# Set up and run the app with reference and demo data (SQLite unless DATABASE_URL says otherwise).
# Emails go to ./demo-mail/ (one file per email). With Redis on 127.0.0.1:6379 a Celery worker and
# the scheduler run beside the web server (imports show their progress bar as they go); without
# it, tasks run in process.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/venv.sh
py=.venv/bin/python
export EMAIL_URL=${EMAIL_URL:-filemail:///demo-mail}
mkdir -p demo-mail demo-files
$py manage.py migrate --noinput
$py manage.py loaddata reference
$py manage.py seed_demo --import-file demo-files/training-import.csv
port=${PORT:-8000}
worker=""
if [ -z "${CELERY_BROKER_URL:-}" ] && [ "${DEMO_IN_PROCESS:-0}" != "1" ] && $py - <<'PY'
import socket, sys
try:
    socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
except OSError:
    sys.exit(1)
PY
then
  export CELERY_BROKER_URL=redis://127.0.0.1:6379/7
  # -B: the scheduler inside the worker (one process is enough for a demo).
  .venv/bin/celery -A config worker -B -l warning --concurrency=1 \
    --schedule="${TMPDIR:-/tmp}/hate-training-demo-beat" >demo-mail/worker.log 2>&1 &
  worker=$!
  trap 'kill "$worker" 2>/dev/null || true' EXIT
fi
# Today's reminders and this week's digests now, not at 07:00 or next Monday.
$py manage.py demo_mail
cat <<MSG

  The app is at http://127.0.0.1:$port/  (admin: http://127.0.0.1:$port/admin/)
  Demo logins, password demo-pass-2026:
    hr           HR (everything, admin)
    manager      manager of North Neighbourhoods
    csmanager    Community Safety Manager
    auditor      read-only
    policyowner  policy owner
    officer      a Neighbourhood Housing Officer (D1001): their own page at /me/
  Emails (reminders, digests, invitations): $(pwd)/demo-mail/
  Try an import: sign in as hr, Imports > training, upload demo-files/training-import.csv
  Tasks: $([ -n "$worker" ] && echo "Celery worker and scheduler (log: demo-mail/worker.log)" || echo "in process (no Redis found)")
  Stop with Ctrl-C.

MSG
$py manage.py runserver "127.0.0.1:$port"
