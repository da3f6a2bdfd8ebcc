#!/usr/bin/env bash
# The production shape on one machine: gunicorn, a Celery worker and beat (honcho runs the
# Procfile) against the local PostgreSQL and Redis, with production settings.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/venv.sh
export DJANGO_ENV=production
export DEBUG=0
export SECRET_KEY=${SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
# Served over plain HTTP on loopback here; behind a TLS proxy in a real deployment.
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-0}
export SESSION_COOKIE_SECURE=${SESSION_COOKIE_SECURE:-0}
export CSRF_COOKIE_SECURE=${CSRF_COOKIE_SECURE:-0}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hate_training_local}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}
export PORT=${PORT:-8000}
.venv/bin/python - <<'PY'
import os, psycopg
from urllib.parse import urlparse
u = urlparse(os.environ["DATABASE_URL"])
with psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username or "postgres",
                     password=u.password, dbname="postgres", autocommit=True) as c:
    if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [u.path[1:]]).fetchone():
        c.execute(f'CREATE DATABASE "{u.path[1:]}"')
PY
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py loaddata reference
.venv/bin/python manage.py seed_demo
echo "Web on http://127.0.0.1:$PORT/ (demo logins as in 'make demo'); Ctrl-C stops all three."
export PATH="$PWD/.venv/bin:$PATH"
exec honcho start
