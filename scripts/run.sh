#!/usr/bin/env bash
# Runs the app on this machine with demo data: SQLite, files under data/, and a Celery worker
# on a broker kept in a folder. Open http://127.0.0.1:8000 and sign in with a demo account.
# Ctrl-C (or SIGTERM to this script) stops the web server and the worker within 10 seconds.
# PORT chooses the port (8000) and DATA_DIR the folder (data/).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
port="${PORT:-8000}"
# Printed on each outcome with its "Check an outcome" page, so it follows PORT.
export SITE_URL="${SITE_URL:-http://127.0.0.1:${port}}"
py=.venv/bin/python
mkdir -p "${DATA_DIR:-data}"

$py manage.py migrate --noinput
$py manage.py load_frameworks
# The certificate comes before the demo data: the demo issues the outcomes of its signed-off
# reviews as it makes them.
$py manage.py create_signing_certificate --if-missing  # self-signed, for signing outcomes locally
$py manage.py seed_demo

# The web server and the worker each run in a session of their own, so that stopping sends one
# signal to each whole family (the worker's pool and beat with it), and a Ctrl-C reaches them
# only through stop() below, once.
children=()
stop() {
  trap - INT TERM EXIT
  ((${#children[@]})) || return 0
  echo "Stopping the web server and the worker..."
  for pid in "${children[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  # A grace period to finish a request or hand a task back to the broker, then no more waiting.
  for _ in $(seq 1 60); do
    alive=0
    for pid in "${children[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${children[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# -B runs the periodic tasks inside the worker: enough for one laptop. REMAP_SIGTERM makes
# SIGTERM a cold shutdown: a task still running after the soft-shutdown timeout is handed back
# to the broker (tasks acknowledge late) rather than waited for, and runs again next start.
REMAP_SIGTERM=SIGQUIT setsid .venv/bin/celery -A config worker -B \
  --schedule "${DATA_DIR:-data}/celerybeat-schedule" \
  --loglevel=INFO --concurrency=2 &
children+=($!)
# No autoreloader: one process, which starts twice as fast.
setsid $py manage.py runserver --noreload "127.0.0.1:${port}" &
children+=($!)

cat <<EOF

Safeguarding Policy Review is at http://127.0.0.1:${port}
Sign in with any of the demo accounts listed above (also in README.md, "Demo sign-ins").
Press Ctrl-C to stop the web server and the worker.

EOF
# Returns when a child stops, or at once when a signal arrives, so that stop() runs.
wait -n
