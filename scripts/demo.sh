#!/usr/bin/env bash
# Set up and run the app with reference and demo data (SQLite unless DATABASE_URL says otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/venv.sh
py=.venv/bin/python
$py manage.py migrate --noinput
$py manage.py loaddata reference
$py manage.py seed_demo
port=${PORT:-8000}
cat <<MSG

  The app is at http://127.0.0.1:$port/  (admin: http://127.0.0.1:$port/admin/)
  Demo logins, password demo-pass-2026:
    hr           HR (everything, admin)
    manager      manager of North Neighbourhoods
    csmanager    Community Safety Manager
    auditor      read-only
    policyowner  policy owner
  Stop with Ctrl-C.

MSG
exec $py manage.py runserver "127.0.0.1:$port"
