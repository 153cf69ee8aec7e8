#!/usr/bin/env bash
# The foundation's speed figures (docs/performance.md): demo build, restart,
# cold start, idle memory, and tree pages / children API at 200 requests/s.
# Usage: scripts/perf-foundation.sh [workdir]   (needs curl; uses ports 18180-18183)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
go build -o "$work/shequ" ./cmd/shequ
go build -o "$work/shequ-load" ./cmd/shequ-load
data="$work/demo"
rm -rf "$data"

# time_to_serving CMD...: seconds from exec until the command prints its serving line.
time_to_serving() {
  local log="$work/run.log" start end
  start=$(date +%s%N)
  "$@" >"$log" 2>&1 &
  local pid=$!
  until grep -q "serving http" "$log" 2>/dev/null; do
    kill -0 $pid 2>/dev/null || { cat "$log"; return 1; }
    sleep 0.01
  done
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) ms"
  kill $pid; wait $pid 2>/dev/null || true
}

echo "demo, first run (build the database) to a serving port: $(time_to_serving "$work/shequ" demo --data "$data" --addr 127.0.0.1:18180)"
echo "demo, second run (reuse) to a serving port:           $(time_to_serving "$work/shequ" demo --data "$data" --addr 127.0.0.1:18180)"
IDLE=5 scripts/coldstart.sh "$work/shequ" "$data" 18181

"$work/shequ" serve --data "$data" --addr 127.0.0.1:18182 --metrics-addr 127.0.0.1:18183 >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -s -o /dev/null http://127.0.0.1:18182/healthz; do sleep 0.05; done
tok=$("$work/shequ" token create --user demo-city-staff --data "$data")
pw=$(awk -F'\t' '$1=="demo-city-staff" {print $5}' "$data/demo-accounts.txt")
jar="$work/cookies"
csrf=$(curl -s -c "$jar" -b "$jar" http://127.0.0.1:18182/login | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -s -c "$jar" -b "$jar" -o /dev/null -d "csrf=$csrf&name=demo-city-staff&password=$pw&next=/" http://127.0.0.1:18182/login
cookie=$(awk '$6 ~ /shequ_sid/ {print $6"="$7}' "$jar")

echo
echo "GET /api/v1/divisions/{code}/children at 200/s for 30 s (city, county, township):"
"$work/shequ-load" --url http://127.0.0.1:18182 --token "$tok" --rate 200 --duration 30s \
  --path /api/v1/divisions/131100000000/children --path /api/v1/divisions/131102000000/children \
  --path /api/v1/divisions/131102001000/children
echo
echo "tree pages at 200/s for 30 s (city, county, township, community):"
"$work/shequ-load" --url http://127.0.0.1:18182 --cookie "$cookie" --rate 200 --duration 30s \
  --path /divisions/131100000000 --path /divisions/131102000000 --path /divisions/131102001000 \
  --path /divisions/131102001045
echo
echo "server time from /metrics: share of requests served within 5 ms and 10 ms, by route"
curl -s http://127.0.0.1:18183/metrics | awk '
  /^shequ_http_request_duration_seconds_bucket/ && /divisions\/[{]code[}](\/children)?"/ && /code="2xx"/ {
    match($0, /route="[^"]*"/); r = substr($0, RSTART+7, RLENGTH-8)
    match($0, /le="[^"]*"/); le = substr($0, RSTART+4, RLENGTH-5)
    if (le == "0.005") b5[r] = $NF; if (le == "0.01") b10[r] = $NF; if (le == "+Inf") n[r] = $NF }
  END { for (r in n) printf "  %-40s %6d requests, %5.1f%% within 5 ms, %5.1f%% within 10 ms\n", r, n[r], 100*b5[r]/n[r], 100*b10[r]/n[r] }'
echo "idle resident memory after the load: $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$pid/status)"
