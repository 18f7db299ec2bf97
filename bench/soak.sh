#!/usr/bin/env bash
# Soak: the mixed workload at 70% of the capacity measured first, for 30
# minutes (--duration 5m for a short one), memory sampled every 5 s. Too
# long for CI. Writes bench/results/soak.json, docs/img/soak-rss.png and
# the "soak" section of docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_build
bench_need_postgres
bench_load soak --cirro "$BENCH_OUT/cirro" --server-cpus "$SERVER_CPUS" \
  --postgres "$CIRRO_TEST_POSTGRES_BASE" "$@"
