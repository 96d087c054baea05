#!/usr/bin/env bash
# `npm test`: every suite, in the order a failure is cheapest to find: unit and integration suites (real
# tree-sitter, real LSP over stdio, real launcher as root), the task suites again as an unprivileged user,
# then the VS Code suite in a real VS Code. Every phase runs even if an earlier one failed, so one run shows
# all failures; the last line sums them up.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
status=0

npm run -s build || exit 1

phase() { # name, command...
  local name=$1; shift
  echo "=== $name"
  "$@" 2>&1 | tee "$logs/$name.log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" = 0 ] || { echo "=== $name failed (exit $rc)"; status=1; }
}

phase unit node --test --test-reporter=spec out/test/
phase rootless bash scripts/test-rootless.sh
phase e2e npm run -s test:e2e

count() { # file, word: sums node:test's "ℹ pass N" / "# pass N" and the e2e "N passed, M failed" lines
  awk -v w="$2" '
    $0 ~ "^(ℹ|#) "w" [0-9]+$" { n += $NF }
    w == "pass" && /^e2e \([^)]*\): / && match($0, /[0-9]+ passed, [0-9]+ failed/) { split(substr($0, RSTART, RLENGTH), a, " "); n += a[1] }
    w == "fail" && /^e2e \([^)]*\): / && match($0, /[0-9]+ passed, [0-9]+ failed/) { split(substr($0, RSTART, RLENGTH), a, " "); n += a[3] }
    END { print n + 0 }' "$1"
}
passed=0; failed=0
for f in "$logs"/*.log; do
  passed=$((passed + $(count "$f" pass))); failed=$((failed + $(count "$f" fail)))
done
[ "$status" = 0 ] || [ "$failed" -gt 0 ] || failed=1   # a phase that died before counting still fails the run
echo "all suites: $passed passed, $failed failed"
exit $status
