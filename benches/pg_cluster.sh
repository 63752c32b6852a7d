#!/bin/sh
# A throwaway PostgreSQL cluster for the benchmarks: initdb into a temp directory, a
# server on a free loopback port, one empty database; prints its URL.
#
#   url=$(benches/pg_cluster.sh start)      # prints postgres://postgres@127.0.0.1:PORT/bench
#   LICADM_BENCH_DB=$url cargo bench --bench list_latency
#   benches/pg_cluster.sh stop              # stops it and removes the directory
#
# LICADM_BENCH_PG_OPTIONS adds server settings, e.g. "-c shared_buffers=4GB" so a store
# of a million activations fits the server's own cache, as on a real server.
#
# Uses the machine's server binaries (the `postgresql` package). As root the server runs
# as the `postgres` user, as the tests do (tests/support/pg.rs). fsync is off: these are
# throwaway clusters, and the figures say so.
set -eu
dir=${LICADM_BENCH_PG_DIR:-/tmp/licadm-bench-pg}
bin=$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")")
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-start}" in
start)
    rm -rf "$dir" && mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "$bin/initdb" -A trust -U postgres -E UTF8 --no-sync -D "$dir/data" >/dev/null
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_pg "$bin/pg_ctl" start -w -D "$dir/data" -l "$dir/postgres.log" \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 ${LICADM_BENCH_PG_OPTIONS:-}" >/dev/null
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres bench
    echo "postgres://postgres@127.0.0.1:$port/bench"
    ;;
stop)
    as_pg "$bin/pg_ctl" stop -m fast -D "$dir/data" >/dev/null || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
