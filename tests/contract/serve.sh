#!/usr/bin/env bash
# Starts the API (the debug build) on a fresh SQLite database with the demo seed, makes an
# academy admin client (and a spare one) and prints an `export` line for BASE_URL, TOKEN,
# SERVER_PID, SERVER_LOG, CLIENT_ID, CLIENT_SECRET and SPARE_CLIENT_ID.
# Used by the contract checks in .ci/run (schemathesis, the generated client).
# WEBHOOKS_ALLOW_INSECURE=1, as for tests and development: this machine resolves no public
# names, so production's check that an endpoint's host resolves to public addresses would
# refuse every generated URL, and the webhook operations behind creation would go untested.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${API_BIN:-$root/target/debug/api}"
dir="$(mktemp -d)"
port="${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
export DATABASE_URL="sqlite://$dir/wtxa.db" HOST=127.0.0.1 PORT="$port" WORKERS=2 \
  RATE_LIMIT_REQUESTS=1000000 RATE_LIMIT_ANONYMOUS_REQUESTS=1000000 SYNC_SETTLE_MILLIS=0 \
  LOG_FORMAT=json RUST_LOG=warn JWT_TTL_SECONDS=7200 \
  METRICS_TOKEN=contract-checks-metrics-token-0123 WEBHOOKS_ALLOW_INSECURE=1
"$bin" migrate >/dev/null
"$bin" seed --demo >/dev/null
creds="$("$bin" clients create --name "Contract checks" --scopes admin --json)"
spare="$("$bin" clients create --name "Spare for rotation and revocation" --scopes admin --json)"
"$bin" >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
id="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])' <<<"$creds")"
spare_id="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])' <<<"$spare")"
secret="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])' <<<"$creds")"
token="$(curl -fs -u "$id:$secret" -d grant_type=client_credentials "http://127.0.0.1:$port/api/v1/oauth/token" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
echo "export BASE_URL=http://127.0.0.1:$port TOKEN=$token SERVER_PID=$pid SERVER_LOG=$dir/server.log CLIENT_ID=$id CLIENT_SECRET=$secret SPARE_CLIENT_ID=$spare_id"
