#!/usr/bin/env bash
# Back up the database named by DATABASE_URL to a pg_dump custom-format file.
#   DATABASE_URL=postgres://... scripts/backup.sh /var/backups/hate-training-$(date +%F).dump
# The dump holds personal data: keep it encrypted at rest and as long as the retention rule allows.
set -euo pipefail
out=${1:?usage: scripts/backup.sh OUTPUT.dump}
: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
pg_dump --format=custom --no-owner --no-privileges --file="$out" "$DATABASE_URL"
echo "backed up to $out ($(du -h "$out" | cut -f1))"
