#!/usr/bin/env bash
# Print a Python 3.11+ interpreter: python3.11, python3.12, pyenv's, or python3 if new enough.
set -euo pipefail
ok() { "$1" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 14) else 1)' 2>/dev/null; }
for candidate in python3.11 python3.12 python3.13 \
    "$HOME"/.pyenv/versions/3.11*/bin/python "$HOME"/.pyenv/versions/3.12*/bin/python python3; do
  if command -v "$candidate" >/dev/null 2>&1 && ok "$candidate"; then
    command -v "$candidate"
    exit 0
  fi
done
echo "No Python 3.11 to 3.13 found: install one (Django 5.2 LTS runs on 3.10-3.13)." >&2
exit 1
