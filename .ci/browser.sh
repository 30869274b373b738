#!/usr/bin/env bash
# Browser tests (tests/e2e): Playwright driving Debian's Chromium against a live server on
# PostgreSQL. Screenshots of each role's home and the meeting screen land in
# benchmarks/screens/ (1920×1080 and 390 px) for reviewers. In CI a missing browser is a
# failure, not a skip (E2E_REQUIRED), and so is a run that collects no test.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
mkdir -p benchmarks/screens
set +e
E2E_REQUIRED=1 .venv/bin/pytest tests/e2e -p no:cacheprovider --create-db -q -rs
status=$?
set -e
case $status in
  0) echo "browser tests passed; screenshots in benchmarks/screens/" ;;
  1) echo "browser tests failed"; exit 1 ;;
  5) echo "no browser tests were collected: that is a failure here"; exit 1 ;;
  *) echo "browser tests stopped abnormally (exit $status)"; exit "$status" ;;
esac
