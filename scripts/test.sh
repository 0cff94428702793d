#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite with ctest.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
scripts/build.sh

export PUMPURS_BUF="$PWD/.tools/node_modules/.bin/buf"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

set +e
ctest --test-dir build --output-on-failure --no-tests=error -j 2 --timeout 600 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# ctest prints e.g. "100% tests passed, 0 tests failed out of 12".
total="$(sed -nE 's/.*tests failed out of ([0-9]+).*/\1/p' "$log" | tail -n1)"
failed="$(sed -nE 's/.* ([0-9]+) tests failed out of.*/\1/p' "$log" | tail -n1)"
if [[ -n "$total" && -n "$failed" ]]; then
  echo "test: $((total - failed)) passed, $failed failed"
else
  echo "test: warning: ctest reported no test results" >&2
fi

if [[ $rc -ne 0 ]]; then
  echo "test: FAILED (ctest exit code $rc)" >&2
fi
exit "$rc"
