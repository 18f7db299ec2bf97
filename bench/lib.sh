# Shared by the bench/*.sh scripts (sourced, not run): builds the binaries
# under test into bench/.out and checks the tools the scripts need.

BENCH_OUT="${BENCH_OUT:-bench/.out}"
CIRRO_TEST_POSTGRES_BASE="${CIRRO_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
# Servers get SERVER_CPUS, the load generator CLIENT_CPUS (taskset lists).
SERVER_CPUS="${SERVER_CPUS:-1}"
CLIENT_CPUS="${CLIENT_CPUS:-0}"

bench_build() {
  mkdir -p "$BENCH_OUT"
  echo "== building cirro and cirro-load into $BENCH_OUT"
  CGO_ENABLED=0 go build -trimpath -o "$BENCH_OUT/cirro" ./cmd/cirro
  CGO_ENABLED=0 go build -trimpath -o "$BENCH_OUT/cirro-load" ./bench/cmd/cirro-load
}

bench_need_postgres() {
  go run ./internal/store/postgres/pgping "$CIRRO_TEST_POSTGRES_BASE" || {
    echo "PostgreSQL at $CIRRO_TEST_POSTGRES_BASE is not reachable (set CIRRO_BENCH_POSTGRES)." >&2
    exit 1
  }
}

bench_need_emulators() {
  echo "== npm ci (cognito-local into bench/node_modules)"
  npm ci --prefix bench --no-audit --no-fund --loglevel=error
  command -v moto_server >/dev/null || { echo "moto_server not found (pip install 'moto[server]')" >&2; exit 1; }
}

# bench_load runs cirro-load pinned to the client CPUs.
bench_load() {
  taskset -c "$CLIENT_CPUS" "$BENCH_OUT/cirro-load" "$@"
}
