#!/usr/bin/env bash
# SIGKILL under load, 20 times per store (SQLite, PostgreSQL), restarting
# on the same database; then every acknowledged AdminCreateUser must be
# there, sign-in must work and the SQLite file must pass its integrity
# check. Writes bench/results/crash.json and the "crash" section of
# docs/performance.md. A few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_build
bench_need_postgres
bench_load crash --cirro "$BENCH_OUT/cirro" --server-cpus "$SERVER_CPUS" \
  --postgres "$CIRRO_TEST_POSTGRES_BASE" "$@"
