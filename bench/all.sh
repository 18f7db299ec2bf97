#!/usr/bin/env bash
# Every measurement of docs/performance.md, in order: side by side with the
# emulators, scale, two nodes, crashes, PostgreSQL restart, and the soak
# (SOAK=5m for a short one). Several hours with the 1M-user scale points
# and the 30-minute soak.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/compare.sh
bench/scale.sh
bench/multinode.sh
bench/crash.sh
bench/pgrestart.sh
bench/soak.sh --duration "${SOAK:-30m}"
