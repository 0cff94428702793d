#!/usr/bin/env bash
# Runs pumpurs-offline-bench (BENCHMARKS.md "Client library: offline sync"):
# builds it and the server if missing, then lets it start the server on a
# free loopback port over a temporary --demo database. A few minutes with
# the defaults (the 10,000 changes are made through RecordDelivery first).
#
# Env: BUILD_DIR (default build), REPEATS (default 3), CHANGES (10000),
# MUTATIONS (1000), COLD_RUNS (20).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [[ ! -x $BUILD_DIR/bin/pumpurs-offline-bench || ! -x $BUILD_DIR/bin/pumpurs-server ]]; then
  cmake --build "$BUILD_DIR" -j2 --target pumpurs-offline-bench pumpurs-server
fi
echo "# $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD_DIR/bin/pumpurs-offline-bench" \
  --server_bin "$BUILD_DIR/bin/pumpurs-server" \
  --repeats "${REPEATS:-3}" --changes "${CHANGES:-10000}" \
  --mutations "${MUTATIONS:-1000}" --cold_runs "${COLD_RUNS:-20}"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
