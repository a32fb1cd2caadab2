#!/usr/bin/env bash
# Generates clients of the API's OpenAPI document (internal/api/openapi.json)
# with mainstream generators at their default settings, and compiles them:
#
#   Go          oapi-codegen (types and client) and ogen, built with `go build`
#   TypeScript  openapi-typescript, checked with `tsc --noEmit --strict`
#               together with usage.ts, which builds request bodies the way a
#               caller would (fields the server defaults left out)
#
# The generators' versions are pinned here and in .ci/openapi-clients (go.mod
# for what the generated Go code imports, package-lock.json for npm). Everything
# is generated and installed in a temporary directory: nothing lands in the
# repository. It needs only the Go module proxy and the npm registry (or their
# caches). Every generator runs even when an earlier one failed, so one run
# names every problem; the script exits non-zero if any failed.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
doc="$root/internal/api/openapi.json"
pins="$root/.ci/openapi-clients"
oapi_codegen=github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2
ogen=github.com/ogen-go/ogen/cmd/ogen@v1.25.0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failed=()
step() { # step NAME COMMAND...: runs the command in $work, output to a log shown on failure.
  local name=$1
  shift
  if (cd "$work" && "$@") >"$work/$name.log" 2>&1; then
    echo "openapi clients: $name ok"
  else
    echo "openapi clients: $name FAILED:"
    grep -v '^go: downloading' "$work/$name.log" | tail -n 40
    failed+=("$name")
  fi
}

cp "$pins/go.mod" "$pins/go.sum" "$work/"
mkdir -p "$work/oapi" "$work/ts"

step oapi-codegen go run "$oapi_codegen" -generate types,client -package oapi -o oapi/client.gen.go "$doc"
step ogen go run "$ogen" --target ogen --package ogen --clean "$doc"
build_go() {
  local pkgs=()
  [ -s oapi/client.gen.go ] && pkgs+=(./oapi)
  [ -d ogen ] && pkgs+=(./ogen)
  [ ${#pkgs[@]} -gt 0 ] || { echo "no Go client was generated"; return 1; }
  go build "${pkgs[@]}" && go vet "${pkgs[@]}"
}
step go-build build_go

cp "$pins/package.json" "$pins/package-lock.json" "$pins/usage.ts" "$work/ts/"
step npm-ci bash -c 'cd ts && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error'
step openapi-typescript bash -c 'cd ts && ./node_modules/.bin/openapi-typescript "$0" --output api.d.ts' "$doc"
step tsc bash -c 'cd ts && ./node_modules/.bin/tsc --noEmit --strict --target es2022 --module es2022 --moduleResolution bundler api.d.ts usage.ts'

if [ ${#failed[@]} -gt 0 ]; then
  echo "openapi clients: failed: ${failed[*]}"
  exit 1
fi
echo "openapi clients: every generated client compiles"
