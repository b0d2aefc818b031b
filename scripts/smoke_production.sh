#!/usr/bin/env bash
# `make smoke`: the production stack end to end, on this machine, with nothing left behind.
#
# gunicorn (qcity.settings.production, DEBUG off), a Celery worker and Celery beat on the local Redis, against a
# throwaway PostgreSQL database. The database is migrated, seeded, given the built-in plans and a tiny demo; then
# scripts/smoke_production.py logs in as the office over HTTP, asks for the white paper PDF, polls until the
# worker has built it (SMOKE_TIMEOUT, default 120 s), downloads it and checks it is a real PDF. Every process we
# started is stopped and the database dropped on exit, whatever happened; the last line is the result.
#
# Needs PostgreSQL at PGHOST:PGPORT (default 127.0.0.1:5432, user postgres, trust auth) and Redis at
# SMOKE_REDIS_URL (default redis://127.0.0.1:6379/<random db 1-15>). Logs stay in var/smoke-<id>/ on failure.
set -euo pipefail
exec </dev/null
cd "$(dirname "$0")/.."

VENV_BIN="${VENV_BIN:-.venv/bin}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
RUN_ID="$(python3 -c 'import secrets; print(secrets.token_hex(4))')"
DB="qcity_smoke_$RUN_ID"
WORK="$PWD/var/smoke-$RUN_ID"
REDIS_URL="${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/$((RANDOM % 15 + 1))}"
STARTED=$SECONDS
DB_CREATED=""
PIDS=()
RESULT=""
STAGE="setup"

stop_all() {
    # Only the processes this script started, by pid: TERM (gunicorn and celery shut down warmly), then KILL.
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_all
    if [ -n "$DB_CREATED" ]; then
        dropdb --if-exists --force "$DB" >/dev/null 2>&1 || echo "warning: could not drop $DB" >&2
    fi
    if [ $rc -eq 0 ]; then
        rm -rf "$WORK"
    else
        for log in "$WORK"/*.log; do
            [ -f "$log" ] || continue
            echo "---- last lines of ${log#"$PWD"/}" >&2
            tail -n 25 "$log" >&2
        done
        [ -n "$RESULT" ] || RESULT="smoke: FAILED at \"$STAGE\" (exit $rc)"
    fi
    echo "$RESULT after $((SECONDS - STARTED))s"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK"
pg_isready -q || { RESULT="smoke: FAILED, PostgreSQL is not reachable at $PGHOST:$PGPORT"; exit 1; }
"$VENV_BIN/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).ping()" "$REDIS_URL" \
    || { RESULT="smoke: FAILED, Redis is not reachable at $REDIS_URL"; exit 1; }
createdb "$DB"
DB_CREATED=1

export DJANGO_SETTINGS_MODULE=qcity.settings.production
SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
export SECRET_KEY
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
export REDIS_URL CELERY_TASK_ALWAYS_EAGER=0
export QCITY_VAR_DIR="$WORK" ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 PYTHONUNBUFFERED=1
unset CELERY_BROKER_URL || true

step() { STAGE="$*"; printf '== %s  [%ds]\n' "$*" "$((SECONDS - STARTED))"; }
QCITY="$VENV_BIN/qcity"
step "migrate ($DB)"
"$QCITY" migrate --noinput -v 0
step "seed, plans, tiny demo, collectstatic"
"$QCITY" seed >"$WORK/setup.log"
"$QCITY" plans load >>"$WORK/setup.log"
"$QCITY" demo --scale small --count "${SMOKE_DEMO_COUNT:-40}" --no-forced-change >>"$WORK/setup.log"
"$QCITY" collectstatic --noinput -v 0

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
step "gunicorn on 127.0.0.1:$PORT, celery worker and beat on $REDIS_URL"
"$VENV_BIN/gunicorn" qcity.wsgi --bind "127.0.0.1:$PORT" --workers 2 --timeout 120 \
    --access-logfile "$WORK/access.log" --error-logfile "$WORK/gunicorn.log" >>"$WORK/gunicorn.log" 2>&1 &
PIDS+=($!)
"$VENV_BIN/celery" -A qcity worker --loglevel INFO --concurrency 1 --hostname "smoke-$RUN_ID@%h" \
    --without-gossip --without-mingle >"$WORK/worker.log" 2>&1 &
PIDS+=($!)
"$VENV_BIN/celery" -A qcity beat --loglevel INFO --schedule "$WORK/celerybeat-schedule" \
    --pidfile "$WORK/celerybeat.pid" >"$WORK/beat.log" 2>&1 &
PIDS+=($!)

step "office: log in, generate the white paper PDF, poll, download"
SUMMARY="$("$VENV_BIN/python" scripts/smoke_production.py --base "http://127.0.0.1:$PORT" \
    --timeout "${SMOKE_TIMEOUT:-120}" --worker-log "$WORK/worker.log")"

for pid in "${PIDS[@]}"; do  # every process is still up at the end (beat and the worker did not die)
    kill -0 "$pid" 2>/dev/null || { RESULT="smoke: FAILED, process $pid exited early"; exit 1; }
done
grep -q "beat: Starting" "$WORK/beat.log" || { RESULT="smoke: FAILED, celery beat did not start"; exit 1; }
RESULT="smoke: OK — $SUMMARY (gunicorn + celery worker + beat, PostgreSQL, Redis)"
