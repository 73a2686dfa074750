#!/usr/bin/env bash
# Runs every check and test: lint, the suite on PostgreSQL and Redis with a real Celery worker,
# then the browser journeys in headless Chromium. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/1}"

# Start PostgreSQL and Redis if they have stopped.
if [[ "$DATABASE_URL" == postgres* ]] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi

WITH_DEV=1 WITH_BROWSER=1 bash scripts/setup.sh
export DJANGO_SETTINGS_MODULE=config.settings.test

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports --no-cache

# Browser journeys run in their own process: Playwright's event loop and the async code other
# libraries run cannot share one.
.venv/bin/python -m pytest -m "not browser" "$@"
.venv/bin/python -m pytest -m browser "$@"
