#!/usr/bin/env bash
# The one-million-request figures: seed 1,000,000 requests into a fresh SQLite
# data dir, then start casedesk on it and measure start-to-ready, the first
# page of an organization's open requests under load, and the server's RSS.
#   scripts/bench-1m.sh [requests] [clients] [duration]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000} clients=${2:-8} duration=${3:-10s}
bin=$(mktemp -d)/casedesk
go build -o "$bin" ./cmd/casedesk
dir=$(mktemp -d)
export CASEDESK_PASSWORD=bench-password-1
"$bin" bench-seed --data "$dir" --requests "$n" --log-level warn
port=$((20000 + RANDOM % 20000))
url=http://127.0.0.1:$port
start=$(date +%s%N)
"$bin" serve --data "$dir" --addr "127.0.0.1:$port" 2>"$dir/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
until curl -fs "$url/readyz" >/dev/null; do sleep 0.005; done
ready=$(date +%s%N)
echo "start to ready (process start to first 200 from /readyz, includes curl polling): $(( (ready - start) / 1000000 )) ms"
grep -o 'startup=[^ ]*' "$dir/serve.log" | sed 's/^/in-process /'
token=$(curl -fs -X POST "$url/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"admin-1@bench.test","password":"bench-password-1"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
"$bin" loadtest --url "$url" --token "$token" --clients "$clients" --duration "$duration" --list-share 1
echo "server RSS after the load: $(ps -o rss= -p $pid) KiB"
