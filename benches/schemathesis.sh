#!/bin/sh
# Fuzzes a real `licadm serve` (demo data, a fresh store) against its own OpenAPI
# document with schemathesis and every check, configured by benches/schemathesis.toml
# (which says what each expected status means). Needs schemathesis 4.32 on PATH or in
# $SCHEMATHESIS (`python3 -m venv v && v/bin/pip install schemathesis==4.32.5`).
#
#   benches/schemathesis.sh                  # 200 s, seed 1, the debug binary
#   LICADM_ST_SECONDS=60 LICADM_BIN=target/release/licadm benches/schemathesis.sh
set -eu
st=${SCHEMATHESIS:-schemathesis}
bin=${LICADM_BIN:-${CARGO_TARGET_DIR:-target}/debug/licadm}
seconds=${LICADM_ST_SECONDS:-200}
here=$(cd "$(dirname "$0")" && pwd)
command -v "$st" >/dev/null || { echo "schemathesis is missing (set SCHEMATHESIS)" >&2; exit 2; }
[ -x "$bin" ] || cargo build --locked
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
"$bin" serve --db "$dir/st.sqlite" --demo --listen 127.0.0.1:0 \
  --rate-limit-per-token 0 --rate-limit-per-address 0 --rate-limit-failed-auth 0 \
  --worker-delay-ms 500 >"$dir/serve.log" 2>&1 &
pid=$!
while ! grep -q "listening on" "$dir/serve.log"; do
  kill -0 $pid 2>/dev/null || { cat "$dir/serve.log" >&2; exit 1; }
  sleep 0.2
done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$dir/serve.log" | head -1)
token=$(sed -n 's/.*admin token: \(lca_[A-Za-z0-9_-]*\).*/\1/p' "$dir/serve.log" | head -1)
"$st" --config-file "$here/schemathesis.toml" run "$url/api/v1/openapi.json" \
  -H "Authorization: Bearer $token" --checks all --max-time "$seconds" -w 1 \
  --max-failures 200 --continue-on-failure --seed 1
