#!/usr/bin/env bash
# Drive a freshly started casedesk with the load tool.
#   scripts/bench-api.sh [sqlite|postgres] [clients] [duration] [list-share]
# Builds the binary, starts `casedesk serve` on an empty database, creates a
# customer admin, and runs `casedesk loadtest` against it over real HTTP.
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${1:-sqlite} clients=${2:-32} duration=${3:-10s} share=${4:-0}
bin=$(mktemp -d)/casedesk
go build -o "$bin" ./cmd/casedesk
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
url=http://127.0.0.1:$port
args=(--data "$dir" --addr "127.0.0.1:$port" --log-level warn)
if [ "$engine" = postgres ]; then
  db=casedesk_bench_$$
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db"
  trap 'psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT
  args+=(--database-url "postgres://postgres@127.0.0.1:5432/$db?sslmode=disable")
fi
export CASEDESK_PASSWORD=bench-password-1
"$bin" operator create --email op@bench.test --name Op "${args[@]}" >/dev/null
"$bin" serve "${args[@]}" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
for _ in $(seq 1 100); do curl -fs "$url/readyz" >/dev/null && break; sleep 0.1; done
token() { curl -fs -X POST "$url/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$1\",\"password\":\"bench-password-1\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/'; }
op=$(token op@bench.test)
org=$(curl -fs -X POST "$url/api/v1/organizations" -H "Authorization: Bearer $op" -H 'Content-Type: application/json' \
  -d '{"kind":"customer","name":"Bench Co","time_zone":"Europe/Berlin"}' | sed -E 's/.*"id":([0-9]+).*/\1/')
curl -fs -X POST "$url/api/v1/organizations/$org/users" -H "Authorization: Bearer $op" -H 'Content-Type: application/json' \
  -d '{"email":"admin@bench.test","name":"Admin","role":"global_admin","password":"bench-password-1"}' >/dev/null
admin=$(token admin@bench.test)
echo "engine=$engine clients=$clients duration=$duration list-share=$share"
"$bin" loadtest --url "$url" --token "$admin" --clients "$clients" --duration "$duration" --list-share "$share"
echo "server RSS: $(ps -o rss= -p $pid) KiB"
