#!/usr/bin/env bash
# Scale: pools of 10k, 100k and 1M users (override with --sizes) bulk-loaded
# into SQLite and PostgreSQL, then sign-in, GetUser, AdminGetUser and
# filtered ListUsers at each size, disk bytes per user, start-up time and
# memory. Writes bench/results/scale.json, docs/img/scale-latency.png and
# the "scale" section of docs/performance.md. The 1M points take about
# half an hour; --sizes 10000,100000 is quicker.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_build
bench_need_postgres
bench_load scale --cirro "$BENCH_OUT/cirro" --server-cpus "$SERVER_CPUS" \
  --postgres "$CIRRO_TEST_POSTGRES_BASE" "$@"
