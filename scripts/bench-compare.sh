#!/usr/bin/env bash
# Compare benchmarks of two checkouts side by side on a noisy machine: build
# each package's test binary once per tree, then run them interleaved
# (old, new, old, new, …) so both see the same background load, and print
# benchstat's comparison.
#
#   scripts/bench-compare.sh OLD_TREE NEW_TREE ROUNDS PKG BENCH [BENCHTIME] [ENV=VALUE...]
#
# Example (the issue 10 no-regression check, see docs/benchmarks.md):
#   git worktree add /tmp/before 72d87e1
#   scripts/bench-compare.sh /tmp/before . 6 ./internal/api 'CreateRequest/sqlite' 3s
set -euo pipefail
old=$(cd "$1" && pwd); new=$(cd "$2" && pwd); rounds=$3; pkg=$4; bench=$5; benchtime=${6:-1x}
shift $(( $# < 6 ? $# : 6 ))
out=$(mktemp -d)
for t in old new; do
  dir=${!t}
  (cd "$dir" && go test -c -o "$out/$t.test" "$pkg")
done
for i in $(seq 1 "$rounds"); do
  for t in old new; do
    dir=${!t}
    (cd "$dir/$pkg" && env "$@" "$out/$t.test" -test.run '^$' -test.bench "$bench" -test.benchtime "$benchtime" -test.timeout 60m) \
      | grep -E '^(Benchmark|goos|goarch|pkg|cpu)' >> "$out/$t.txt"
  done
done
echo "raw results in $out"
go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da "$out/old.txt" "$out/new.txt"
