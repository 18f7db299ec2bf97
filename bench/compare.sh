#!/usr/bin/env bash
# Side by side: cirro (SQLite and PostgreSQL, each with argon2id and with
# test-only fast hashing), cognito-local and moto_server, started here on
# loopback, the same workload against each in turn, round after round.
# Writes bench/results/compare.json, docs/img/compare-*.png and the
# "compare" section of docs/performance.md. Extra flags go to
# `cirro-load compare` (e.g. --rounds 3 --duration 10s).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_build
bench_need_postgres
bench_need_emulators
bench_load compare --cirro "$BENCH_OUT/cirro" --server-cpus "$SERVER_CPUS" \
  --postgres "$CIRRO_TEST_POSTGRES_BASE" "$@"
