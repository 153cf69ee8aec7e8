#!/usr/bin/env bash
# Measures how long `shequ serve` takes from exec to its first 200 from
# /healthz, and its resident memory once idle. Usage:
#   scripts/coldstart.sh ./shequ ./shequ-demo 18095
set -euo pipefail
BIN=${1:?binary} DATA=${2:?data dir} PORT=${3:-18095}
start=$(date +%s%N)
"$BIN" serve --data "$DATA" --addr "127.0.0.1:$PORT" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz" 2>/dev/null | grep -q 200; do
  kill -0 $pid 2>/dev/null || { echo "serve exited"; exit 1; }
  sleep 0.005
done
end=$(date +%s%N)
echo "cold start to /healthz 200: $(( (end - start) / 1000000 )) ms"
sleep "${IDLE:-5}"
echo "idle resident memory: $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$pid/status)"
