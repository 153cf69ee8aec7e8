#!/bin/sh
# Intake over HTTP on SQLite with durable commits, shequ and PocketBase
# under the same open-loop load in one run (docs/performance.md):
#   sh bench/pocketbase/run.sh [rate] [duration]
# Loopback only. Builds both, loads each for the duration, counts the rows
# each stored afterwards, and prints the load tool's figures.
set -eu
RATE=${1:-1500}
DUR=${2:-20s}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /tmp/shequ-intake.XXXXXX)
echo "work dir $W"
cd "$ROOT"
go build -o "$W/shequ" ./cmd/shequ
go build -o "$W/shequ-load" ./cmd/shequ-load
(cd bench/pocketbase && go build -o "$W/pocketbase-bench" .)

for p in 18080 18090; do
  if ss -ltn | grep -q ":$p "; then echo "port $p is taken"; exit 1; fi
done

# shequ: a fresh SQLite database with the divisions and a township account.
D="$W/shequ-data"
"$W/shequ" migrate --data "$D" >/dev/null
"$W/shequ" import divisions --data "$D" data/divisions/hengshui.csv >/dev/null
printf 'load-test-Passw0rd!\n' | "$W/shequ" user add --data "$D" --name loadtest --role township_staff --area 131102001000 --password-stdin >/dev/null
TOKEN=$("$W/shequ" token create --data "$D" --user loadtest --expires 2h | tail -1)
"$W/shequ" serve --data "$D" --addr 127.0.0.1:18080 >"$W/shequ.log" 2>&1 &
SP=$!
"$W/pocketbase-bench" --dir "$W/pb" --addr 127.0.0.1:18090 --token-file "$W/pb-token" >"$W/pb.log" 2>&1 &
PP=$!
trap 'kill $SP $PP 2>/dev/null || true' EXIT
for i in $(seq 1 50); do
  if curl -sf http://127.0.0.1:18080/healthz >/dev/null && [ -s "$W/pb-token" ]; then break; fi
  sleep 0.2
done
DIVS="--div 131102001045 --div 131102001046 --div 131102001047 --div 131102001048"

echo "== shequ POST /api/v1/requests ($RATE/s for $DUR, 64 clients)"
"$W/shequ-load" --url http://127.0.0.1:18080 --token "$TOKEN" --rate "$RATE" --duration "$DUR" --workers 64 \
  --path /api/v1/requests $DIVS \
  --body '{"division_code":"{div}","category_code":"city.garbage","description":"load test request {n}","address":"load street {n}","phone":"13800138000"}' || true
echo "stored: $(sqlite3 "$D/shequ.db" 'SELECT COUNT(*) FROM requests')"

echo "== PocketBase v0.36 POST /api/collections/requests/records ($RATE/s for $DUR, 64 clients)"
"$W/shequ-load" --url http://127.0.0.1:18090 --token "$(cat "$W/pb-token")" --auth-scheme "" --rate "$RATE" --duration "$DUR" --workers 64 \
  --path /api/collections/requests/records $DIVS \
  --body '{"number":"{n}","division":"{div}","category":"city.garbage","description":"load test request {n}","address":"load street {n}","contact":"13800138000","status":"submitted"}' || true
echo "stored: $(sqlite3 "$W/pb/data.db" 'SELECT COUNT(*) FROM requests')"
