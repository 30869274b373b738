#!/bin/sh
# PostgreSQL init script (docker-entrypoint-initdb.d): the application's role, which does not
# own the tables. `manage.py migrate` (as the owner, with DATABASE_APP_ROLE set) grants it
# its rights; on the access log only INSERT and SELECT.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$POSTGRES_APP_PASSWORD" <<'SQL'
CREATE ROLE woonbrug_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
SQL
