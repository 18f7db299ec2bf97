#!/usr/bin/env bash
# Two cirro nodes on one PostgreSQL database: duplicate usernames raced
# across nodes, lockout counted across nodes, revocation seen by both,
# every acknowledged creation present, and throughput against one node.
# Writes bench/results/multinode.json and the "multinode" section of
# docs/performance.md. About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_build
bench_need_postgres
bench_load multinode --cirro "$BENCH_OUT/cirro" --server-cpus "$SERVER_CPUS" \
  --postgres "$CIRRO_TEST_POSTGRES_BASE" "$@"
