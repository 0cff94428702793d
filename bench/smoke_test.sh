#!/usr/bin/env bash
# bench_smoke (CTest, label "bench"): proves the benchmark binaries work
# against a real server. Each runs for about a second; the test checks that
# they exit 0 and report more than zero calls, never how fast anything is.
# Usage: smoke_test.sh PUMPURS_SERVER PUMPURS_LOAD PUMPURS_SQLITE_BASELINE
set -euo pipefail

server_bin="$1"
load_bin="$2"
sqlite_bin="$3"

work="$(mktemp -d "${TMPDIR:-/tmp}/pumpurs-bench-smoke.XXXXXX")"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "bench_smoke: FAIL: $*" >&2
  if [[ -f "$work/server.log" ]]; then
    echo "--- server log (last 20 lines) ---" >&2
    tail -n 20 "$work/server.log" >&2
  fi
  exit 1
}

# --demo: pumpurs-load signs in as the demo administrator.
"$server_bin" --listen 127.0.0.1:0 --port_file "$work/port" \
  --db "$work/smoke.db" --demo 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do
  [[ -s "$work/port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || fail "server exited at start"
  sleep 0.1
done
[[ -s "$work/port" ]] || fail "server wrote no port file within 10 s"
target="127.0.0.1:$(cat "$work/port")"

# $1: name, $2: the JSON line, $3: a key whose value must be > 0 (each
# occurrence of it).
expect_positive() {
  local name="$1" json="$2" key="$3" values
  values="$(grep -o "\"$key\":[0-9]*" <<<"$json" | cut -d: -f2)"
  [[ -n "$values" ]] || fail "$name: no \"$key\" in its JSON: $json"
  for v in $values; do
    ((v > 0)) || fail "$name: \"$key\" is $v: $json"
  done
}

# The write path (with the Ping baseline), a read path, and the support
# plans (as the demo head, a few plans each; record_delivery approves them
# as the demo coordinator and administrator first).
for args in "--rpc create_municipality --concurrency 4" \
            "--rpc get_institution --concurrency 2 --baseline=false" \
            "--rpc get_support_plan --concurrency 2 --baseline=false --list_size 2" \
            "--rpc list_support_plans --concurrency 2 --baseline=false --list_size 3" \
            "--rpc record_delivery --concurrency 4 --baseline=false --list_size 2"; do
  # shellcheck disable=SC2086  # $args are separate flags
  out="$("$load_bin" --target "$target" $args --duration 1s --warmup 200ms \
    --json)" || fail "pumpurs-load $args exited non-zero: $out"
  echo "$out"
  json="$(grep '^{' <<<"$out" | tail -n1)"
  expect_positive "pumpurs-load $args" "$json" calls
  expect_positive "pumpurs-load $args" "$json" ok
done

out="$("$sqlite_bin" --dir "$work" --duration 1s --fsync=false --json)" ||
  fail "pumpurs-sqlite-baseline exited non-zero: $out"
echo "$out"
json="$(grep '^{' <<<"$out" | tail -n1)"
expect_positive pumpurs-sqlite-baseline "$json" ops

kill -TERM "$server_pid"
wait "$server_pid" || fail "server exited non-zero after SIGTERM"
server_pid=""
echo "bench_smoke: OK"
