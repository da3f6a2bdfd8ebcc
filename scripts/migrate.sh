#!/usr/bin/env bash
# Apply new migrations while the running version keeps serving (README, "Upgrading").
#   scripts/migrate.sh            (with the environment of the NEW release: /etc/hate-training/env)
# Each migration asks for its table locks with lock_timeout (DB_LOCK_TIMEOUT, 2s): when a long
# query holds a table, the migration gives up instead of queueing every request behind it, and
# is tried again a little later. Applied migrations are kept: a retry goes on from where it stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
export DB_LOCK_TIMEOUT=${DB_LOCK_TIMEOUT:-2s}
attempts=${MIGRATE_ATTEMPTS:-5}
pause=${MIGRATE_RETRY_SECONDS:-15}
python=${PYTHON:-.venv/bin/python}
for attempt in $(seq 1 "$attempts"); do
  if out=$("$python" manage.py migrate --noinput 2>&1); then
    echo "$out"
    exit 0
  fi
  echo "$out" >&2
  if ! grep -q "lock timeout" <<<"$out"; then
    echo "migrate failed (not a busy table): see above" >&2
    exit 1
  fi
  echo "a table was busy for longer than $DB_LOCK_TIMEOUT (attempt $attempt of $attempts)" >&2
  [ "$attempt" -lt "$attempts" ] && sleep "$pause"
done
echo "gave up after $attempts attempts: find the long-running query (pg_stat_activity) and try again" >&2
exit 1
