#!/usr/bin/env bash
# The committed OpenAPI schema (docs/openapi.yaml) must be what the code generates, so an API
# change shows up in review. Regenerate with the same command after changing the API.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
# Integer bounds in the schema come from the database backend's column ranges: the schema
# documents production's (PostgreSQL), whatever DATABASE_URL says here. Generating the schema
# opens no connection, so the URL below is never dialled.
DATABASE_URL=postgres://schema@127.0.0.1:1/schema DEBUG=true \
  .venv/bin/python manage.py spectacular --fail-on-warn --validate --file docs/openapi.yaml
git diff --exit-code --stat -- docs/openapi.yaml || {
  echo "docs/openapi.yaml is out of date: run .ci/openapi.sh and commit the result"
  exit 1
}
