#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into a NEW, empty database.
#   scripts/restore.sh backup.dump postgres://postgres@127.0.0.1:5432/hate_training_restored
# Then point DATABASE_URL at it and run `manage.py migrate` (a no-op unless the code is newer).
set -euo pipefail
dump=${1:?usage: scripts/restore.sh BACKUP.dump TARGET_DATABASE_URL}
target=${2:?usage: scripts/restore.sh BACKUP.dump TARGET_DATABASE_URL}
name=${target##*/}
server=${target%/*}/postgres
psql --quiet --set ON_ERROR_STOP=1 "$server" -c "CREATE DATABASE \"$name\""
pg_restore --exit-on-error --no-owner --no-privileges --dbname="$target" "$dump"
echo "restored $dump into $name"
