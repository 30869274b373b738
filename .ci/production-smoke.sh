#!/usr/bin/env bash
# Production smoke step: the stack docker-compose.yml describes, on this machine. DEBUG off, the
# deploy checks, collectstatic with the manifest, migrations and the demo region on PostgreSQL,
# gunicorn (the same command as the image) and a Celery worker on Redis; then
# .ci/production_smoke.py signs in every role over real HTTP and opens their main pages, the API,
# the board screen and the minutes PDF, cuts the database connections and checks the next
# requests still succeed. Everything started here is stopped on exit.
#
# Needs DATABASE_URL (PostgreSQL) and REDIS_URL; uses its own database and Redis db (see below).
# Port: SMOKE_PORT (default 8140).
set -Eeuo pipefail
cd "$(dirname "$0")/.."

PG_URL_BASE="${DATABASE_URL%/*}"
export DATABASE_URL="${SMOKE_DATABASE_URL:-$PG_URL_BASE/woonbrug_smoke}"
export REDIS_URL="${SMOKE_REDIS_URL:-${REDIS_URL%/*}/13}"
export SMOKE_PORT="${SMOKE_PORT:-8140}"
export DEBUG=false HTTPS=true ALLOWED_HOSTS=127.0.0.1,localhost REQUIRE_MFA=true
export CELERY_TASK_ALWAYS_EAGER=false STATIC_MANIFEST=true
export SECRET_KEY="${SECRET_KEY:-smoke-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
if [ -z "${FIELD_ENCRYPTION_KEYS:-}" ]; then
  FIELD_ENCRYPTION_KEYS="$(python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')"
  export FIELD_ENCRYPTION_KEYS
fi
PY=.venv/bin/python
logs="$(mktemp -d)"
pids=()
cleanup() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    echo "--- gunicorn log (tail)"; tail -n 40 "$logs/gunicorn.log" 2>/dev/null || true
    echo "--- celery log (tail)"; tail -n 40 "$logs/celery.log" 2>/dev/null || true
  fi
  rm -rf "$logs"
  exit "$status"
}
trap cleanup EXIT

db_name="${DATABASE_URL##*/}"
psql "$PG_URL_BASE/postgres" -qc "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" >/dev/null
psql "$PG_URL_BASE/postgres" -qc "CREATE DATABASE $db_name" >/dev/null
redis-cli -u "$REDIS_URL" flushdb >/dev/null
# Two database roles, as docker-compose.yml: the owner (DATABASE_URL here) migrates and loads
# the demo; gunicorn and the workers connect as the application role, which may only INSERT
# and SELECT on the access log (accounts/db_roles.py grants it at every migrate).
export DATABASE_APP_ROLE="${SMOKE_APP_ROLE:-woonbrug_smoke_app}"
psql "$PG_URL_BASE/postgres" -qtc "SELECT 1 FROM pg_roles WHERE rolname='$DATABASE_APP_ROLE'" | grep -q 1 \
  || psql "$PG_URL_BASE/postgres" -qc \
    "CREATE ROLE $DATABASE_APP_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" >/dev/null
APP_DATABASE_URL="postgres://$DATABASE_APP_ROLE@${PG_URL_BASE#*://*@}/$db_name"

echo "-- check --deploy (DEBUG=false, HTTPS)"
$PY manage.py check --deploy --fail-level WARNING
echo "-- collectstatic with the manifest"
$PY manage.py collectstatic --noinput --clear -v 0
echo "-- migrate and load the demo region"
$PY manage.py migrate --noinput -v 0
$PY manage.py seed_demo >/dev/null

echo "-- the application role may not rewrite the access log"
psql "$APP_DATABASE_URL" -qtc "SELECT has_table_privilege('accounts_accesslogentry', 'INSERT')
  AND has_table_privilege('accounts_accesslogentry', 'SELECT')
  AND NOT has_table_privilege('accounts_accesslogentry', 'UPDATE')
  AND NOT has_table_privilege('accounts_accesslogentry', 'DELETE')
  AND NOT has_table_privilege('accounts_accesslogentry', 'TRUNCATE')
  AND NOT has_table_privilege('accounts_accesslogentry', 'TRIGGER')" | grep -q t \
  || { echo "the application role has more than INSERT and SELECT on the access log"; exit 1; }

echo "-- gunicorn and Celery workers, connected as the application role ($DATABASE_APP_ROLE)"
# The same gunicorn configuration as the image (config/gunicorn.py); only the port differs.
DATABASE_URL="$APP_DATABASE_URL" .venv/bin/gunicorn config.wsgi:application -c config/gunicorn.py --bind "127.0.0.1:$SMOKE_PORT" \
  >"$logs/gunicorn.log" 2>&1 &
pids+=($!)
# The two workers of docker-compose.yml: the board and everything else, and the simulation.
DATABASE_URL="$APP_DATABASE_URL" .venv/bin/celery -A config worker -Q board,default --loglevel INFO --concurrency 1 \
  --without-gossip --without-mingle -n "smoke-board@%h" >"$logs/celery.log" 2>&1 &
pids+=($!)
DATABASE_URL="$APP_DATABASE_URL" .venv/bin/celery -A config worker -Q simulation --loglevel INFO --concurrency 1 \
  --without-gossip --without-mingle -n "smoke-simulation@%h" >"$logs/celery-simulation.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$SMOKE_PORT/healthz" && break
  sleep 1
done

echo "-- every role over HTTP"
$PY .ci/production_smoke.py
