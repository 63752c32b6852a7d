#!/bin/sh
# Requests per second of a real `licadm serve` process as clients are added, measured
# with wrk (Debian's `wrk` package) from outside the portal's process: GET /me and the
# first page of GET /activations at 1, 8 and 64 connections, then the portal's peak RSS.
#
#   benches/throughput_wrk.sh                       # 1 000 000 activations, SQLite
#   LICADM_BENCH_ACTIVATIONS=100000 benches/throughput_wrk.sh
#   LICADM_BENCH_DB=$(benches/pg_cluster.sh start) benches/throughput_wrk.sh
#
# The store is seeded once into $LICADM_BENCH_STORE (default /tmp/licadm-wrk-N.sqlite)
# and reused by later runs; rate limits are off (one token, one address).
set -eu
n=${LICADM_BENCH_ACTIVATIONS:-1000000}
seconds=${LICADM_BENCH_SECONDS:-5}
bin=${LICADM_BIN:-target/release/licadm}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
[ -x "$bin" ] || cargo build --release --locked
db=${LICADM_BENCH_DB:-${LICADM_BENCH_STORE:-/tmp/licadm-wrk-$n.sqlite}}
out=$(mktemp)
trap 'kill $pid 2>/dev/null || true; rm -f "$out"' EXIT
demo=""
case "$db" in
  postgres*) demo="--demo --scale $n" ;;
  *) [ -e "$db" ] || demo="--demo --scale $n" ;;
esac
started=$(date +%s)
# shellcheck disable=SC2086
"$bin" serve --db "$db" $demo --listen 127.0.0.1:0 \
  --rate-limit-per-token 0 --rate-limit-per-address 0 >"$out" 2>&1 &
pid=$!
while ! grep -q "listening on" "$out"; do
  kill -0 $pid 2>/dev/null || { cat "$out" >&2; exit 1; }
  sleep 0.2
done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$out" | head -1)
[ -n "$demo" ] && echo "seeded $n activations in $(( $(date +%s) - started )) s"
token=$(sed -n 's/.*admin token: \(lca_[A-Za-z0-9_-]*\).*/\1/p' "$out" | head -1)
if [ -z "$token" ]; then
  token=$("$bin" token create --db "$db" --role admin --label wrk 2>/dev/null | tail -1)
fi
for path in /api/v1/me /api/v1/activations; do
  for c in 1 8 64; do
    t=2; [ "$c" = 1 ] && t=1
    printf '%-22s %2s clients: ' "$path" "$c"
    wrk -t$t -c$c -d"${seconds}s" --latency -H "Authorization: Bearer $token" \
      -H "Accept-Encoding: zstd" "$url$path" |
      awk '/Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} /Non-2xx/ {bad=$NF}
           END {printf "%9s req/s  p50 %8s  p99 %8s%s\n", rps, p50, p99, bad ? "  non-2xx " bad : ""}'
  done
done
grep -E 'VmHWM|VmRSS' /proc/$pid/status | tr -s ' \t' ' '
