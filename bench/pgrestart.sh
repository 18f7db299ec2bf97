#!/usr/bin/env bash
# PostgreSQL stopped and started again under load: requests must fail
# cleanly (InternalErrorException, no hang) while it is down and succeed
# once it is back, with no acknowledged write lost. It stops a PostgreSQL
# server, so by default it creates and uses a dedicated cluster
# (PG_CLUSTER="15 cirrobench" on port 5499) rather than the shared one that
# test suites use; PG_CLUSTER="15 main" with CIRRO_BENCH_POSTGRES pointing
# at it restarts the main one instead. Writes bench/results/pgrestart.json,
# docs/img/pgrestart.png and the "pgrestart" section of docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
PG_CLUSTER="${PG_CLUSTER:-15 cirrobench}"
read -r pg_version pg_name <<<"$PG_CLUSTER"
if [ "$pg_name" = cirrobench ]; then
  PG_PORT="${PG_PORT:-5499}"
  if ! pg_lsclusters -h "$pg_version" "$pg_name" 2>/dev/null | grep -q .; then
    echo "== creating PostgreSQL cluster $PG_CLUSTER on port $PG_PORT (loopback, trust)"
    pg_createcluster "$pg_version" "$pg_name" -p "$PG_PORT" -- --auth-local=trust --auth-host=trust >/dev/null
  fi
  pg_ctlcluster --skip-systemctl-redirect "$pg_version" "$pg_name" start 2>/dev/null || true
  CIRRO_TEST_POSTGRES_BASE="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
fi
bench_build
bench_need_postgres
bench_load pgrestart --cirro "$BENCH_OUT/cirro" --server-cpus "$SERVER_CPUS" \
  --postgres "$CIRRO_TEST_POSTGRES_BASE" --cluster "$PG_CLUSTER" "$@"
