#!/usr/bin/env bash
# The API contract, probed from outside: the demo region on a fresh PostgreSQL database,
# migrated by the owner, served by gunicorn connected as the application's own role (which
# may only INSERT and SELECT on the access log), and schemathesis against the live OpenAPI
# schema as three roles (board chair, care coordinator, housing consultant), each for a
# bounded time. Fails on any 5xx and on any response that does not match the schema.
#
# Needs PostgreSQL on 127.0.0.1:5432 as `postgres` (trust), SECRET_KEY and
# FIELD_ENCRYPTION_KEYS exported (.ci/run does both). Knobs: ST_DATABASE, ST_APP_ROLE,
# ST_PORT, ST_SECONDS (per role).
set -Eeuo pipefail
cd "$(dirname "$0")/.."

ST_DATABASE="${ST_DATABASE:-woonbrug_st}"
ST_APP_ROLE="${ST_APP_ROLE:-woonbrug_st_app}"
ST_PORT="${ST_PORT:-8127}"
ST_SECONDS="${ST_SECONDS:-90}"
PG="postgres://postgres@127.0.0.1:5432"
psql_admin() { psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qtc "$1" postgres; }

# A fresh database owned by `postgres`, and the application role (created here, as CI must).
# ST_REUSE=1 keeps an already prepared database (local runs).
if [ "${ST_REUSE:-0}" != 1 ]; then
psql_admin "DROP DATABASE IF EXISTS $ST_DATABASE WITH (FORCE)" >/dev/null
psql_admin "CREATE DATABASE $ST_DATABASE" >/dev/null
psql_admin "SELECT 1 FROM pg_roles WHERE rolname='$ST_APP_ROLE'" | grep -q 1 \
  || psql_admin "CREATE ROLE $ST_APP_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" >/dev/null
fi

export DEBUG=false REQUIRE_MFA=true HTTPS=false ALLOWED_HOSTS=127.0.0.1 DEMO_MODE=false
export STATIC_MANIFEST=false CELERY_TASK_ALWAYS_EAGER=true REDIS_URL=""
export SITE_URL="http://127.0.0.1:$ST_PORT"

# Owner: migrate (granting the app role its rights), load the demo region, issue tokens.
DATABASE_URL="$PG/$ST_DATABASE" DATABASE_APP_ROLE="$ST_APP_ROLE" \
  .venv/bin/python manage.py migrate --noinput >/dev/null
if [ "${ST_REUSE:-0}" != 1 ]; then
DATABASE_URL="$PG/$ST_DATABASE" .venv/bin/python manage.py seed_demo >/dev/null
DATABASE_URL="$PG/$ST_DATABASE" DJANGO_SUPERUSER_PASSWORD="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  .venv/bin/python manage.py createsuperuser --noinput --email ci-operator@woonbrug.invalid \
  --full_name "CI" >/dev/null
fi
token() {
  DATABASE_URL="$PG/$ST_DATABASE" .venv/bin/python manage.py api_token_create --integration \
    --user "$1" --name "schemathesis" --by ci-operator@woonbrug.invalid | head -n1
}

# The application, connected as its own role.
DATABASE_URL="postgres://$ST_APP_ROLE@127.0.0.1:5432/$ST_DATABASE" \
  .venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$ST_PORT" --workers 2 \
  --timeout 60 --log-level warning &
server=$!
schema="$(mktemp --suffix=.yaml)"
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$schema"' EXIT
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$ST_PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$ST_PORT/healthz" >/dev/null

failed=0
for email in voorzitter@gemeente.demo coordinator@debrug.demo consulent@dekade.demo; do
  key="$(token "$email")"
  echo "-- schemathesis as $email (${ST_SECONDS}s)"
  # The schema as this role gets it (generating it takes a while on a busy machine).
  curl -fsS --max-time 180 -H "Authorization: Token $key" -o "$schema" \
    "http://127.0.0.1:$ST_PORT/api/schema/"
  set +e
  # One worker: with two, schemathesis generates in two threads, and hypothesis's lambda
  # description (ast.parse) trips CPython 3.11's thread-unsafe AST recursion counter
  # ("AST constructor recursion depth mismatch", python/cpython#106905): a tool crash,
  # reported as an error, that says nothing about the API.
  .venv/bin/st --no-color run "$schema" --url "http://127.0.0.1:$ST_PORT" \
    --header "Authorization: Token $key" \
    --checks not_a_server_error,response_schema_conformance \
    --max-time "$ST_SECONDS" --workers 1 --rate-limit 400/m --request-timeout 30 \
    --phases examples,coverage,fuzzing --suppress-health-check all
  status=$?
  set -e
  case $status in
    0) echo "schemathesis as $email: no server errors, no schema violations" ;;
    *) echo "schemathesis as $email failed (exit $status)"; failed=1 ;;
  esac
done
exit "$failed"
