#!/usr/bin/env bash
# Runs the app on this machine with demo data: SQLite, files under data/, and a Celery worker
# on a broker kept in a folder. Open http://127.0.0.1:8000 and sign in with a demo account.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
# Printed on each outcome with its "Check an outcome" page, so it follows PORT.
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT:-8000}}"
py=.venv/bin/python
mkdir -p "${DATA_DIR:-data}"

$py manage.py migrate --noinput
$py manage.py load_frameworks
# The certificate comes before the demo data: the demo's signed-off reviews queue their outcomes.
$py manage.py create_signing_certificate --if-missing  # self-signed, for signing outcomes locally
$py manage.py seed_demo

# -B runs the periodic tasks inside the worker: enough for one laptop.
.venv/bin/celery -A config worker -B --schedule "${DATA_DIR:-data}/celerybeat-schedule" \
  --loglevel=INFO --concurrency=2 &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM

echo "Safeguarding Policy Review is at http://127.0.0.1:${PORT:-8000} (demo sign-ins are in README.md)"
$py manage.py runserver "127.0.0.1:${PORT:-8000}"
