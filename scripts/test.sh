#!/usr/bin/env bash
# Runs every test of cirro: vet, the Go suites (with the race detector) on
# SQLite and on PostgreSQL. PostgreSQL comes from CIRRO_TEST_POSTGRES, by
# default the local server at 127.0.0.1:5432; if it cannot be reached this
# script fails rather than silently skipping the PostgreSQL suites.
set -euo pipefail
cd "$(dirname "$0")/.."

export CIRRO_TEST_POSTGRES="${CIRRO_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
if [ "$CIRRO_TEST_POSTGRES" != "off" ]; then
  go run ./internal/store/postgres/pgping "$CIRRO_TEST_POSTGRES" || {
    echo "PostgreSQL at $CIRRO_TEST_POSTGRES is not reachable; start it or set CIRRO_TEST_POSTGRES=off to run SQLite only." >&2
    exit 1
  }
else
  unset CIRRO_TEST_POSTGRES
fi

# End-to-end tests drive the real JavaScript client libraries; install them.
echo "== npm ci (client libraries for interoperability tests)"
for dir in internal/srp/testdata/js e2e/srp internal/trigger/testdata/js e2e/browser e2e/mfa; do
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
done
export CIRRO_SRP_REQUIRE_NODE=1 CIRRO_TRIGGER_REQUIRE_NODE=1
# The hosted pages are tested in Debian's headless Chromium.
bash e2e/browser/setup.sh
export CIRRO_BROWSER_REQUIRE=1

echo "== go vet"
go vet ./...
echo "== go test -race"
go test -race -count=1 -timeout 30m ./...
