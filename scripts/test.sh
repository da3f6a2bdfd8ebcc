#!/usr/bin/env bash
# Set up and run the whole test suite against PostgreSQL and Redis (the machine's own servers).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/venv.sh dev
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hate_training}
export TEST_CELERY_BROKER_URL=${TEST_CELERY_BROKER_URL:-${CELERY_BROKER_URL:-redis://127.0.0.1:6379/15}}
# Browser tests drive the machine's Chromium; install Debian's if it is missing and we may.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
# The committee pack's PDF (WeasyPrint) needs Pango; install Debian's if it is missing and we may.
if ! .venv/bin/python -c "import weasyprint" >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
fi
if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
# The sign-in tests run a real OpenID Provider (the npm package oidc-provider, pinned in
# tests/oidc/package-lock.json): install it where they look for it.
npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error
# axe-core, which the browser tests inject into every page (pinned in tests/package-lock.json).
npm ci --prefix tests --no-audit --no-fund --loglevel=error
# Two test processes (pytest-xdist; each has its own test database and Celery queue):
# the suite takes about 11½ minutes on 2 cores (2,080 tests; the Chromium page sweeps are the longest).
# worksteal: a process that runs out of tests takes some of the other's. With xdist's default
# (load), each process is handed a long queue up front; the one whose queue held the page sweeps
# ran on alone for 7 of the 13 minutes. TEST_PROCESSES=0 runs in one.
exec .venv/bin/python -m pytest -n "${TEST_PROCESSES:-2}" --dist worksteal "$@"
