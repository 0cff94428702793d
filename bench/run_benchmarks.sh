#!/usr/bin/env bash
# Runs the Pumpurs benchmark suite on this machine and prints everything:
# builds what is missing, starts build/bin/pumpurs-server on a free
# loopback port over a temporary --demo database, drives it with pumpurs-load
# (ping, get_institution, list_institutions, create_municipality at each
# concurrency, each RPC after a Ping baseline in the same process), runs
# the raw SQLite baseline on the same filesystem, stops the server with
# SIGTERM and prints a summary (medians over REPEATS). About 2 minutes
# with the defaults. Results and how to read them: BENCHMARKS.md.
#
# The support-plan RPCs are not in the default list (they would make it
# about 3 minutes instead of 2); run them with, e.g.,
#   RPCS="ping get_support_plan list_support_plans record_delivery" \
#     bench/run_benchmarks.sh
# They sign in as the demo head PLAN_USERNAME, who makes PLAN_COUNT plans
# first (record_delivery also has them approved by the demo municipality
# coordinator and administrator: pumpurs-load --approver_usernames).
#
# Env:
#   DURATION     measured time of each phase (default 5s)
#   WARMUP       unmeasured load before each phase (default 1s)
#   CONCURRENCY  outstanding calls, space-separated (default "1 32")
#   REPEATS      runs of each load, summarised by their median (default 1)
#   RPCS         default "ping get_institution list_institutions
#                create_municipality"; also search_articles,
#                recommend_measures, get_support_plan, list_support_plans,
#                record_delivery
#   PLAN_USERNAME  head of institution for the support-plan RPCs (default
#                direktors1, the demo head of Ābeļu vidusskola)
#   PLAN_COUNT   plans they make (and list_support_plans' page size;
#                default 10)
#   DURABILITY   the server's and SQLite's: full (default) or normal
#   SQLITE_DURATION  per SQLite measurement (default: DURATION)
#   BENCH_DIR    where the temporary database goes (default $TMPDIR or /tmp)
#   BUILD_DIR    default build
#   JSON_OUT     if set, the JSON lines of every run are also written here
#   MAX_OTHER_CPU  if set (e.g. 0.1), a load run during which other
#                processes used more cores than this is discarded and run
#                again after a pause, up to RETRIES (default 4) times; for
#                shared machines
#   SERVER_LOG   where the server's log (one JSON line per RPC, about
#                150 bytes each: hundreds of MB per run) goes; default a
#                file in the temporary directory, /dev/null to drop it
#   KEEP=1       keep the temporary directory (database, server log)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION="${DURATION:-5s}"
WARMUP="${WARMUP:-1s}"
CONCURRENCY="${CONCURRENCY:-1 32}"
REPEATS="${REPEATS:-1}"
RPCS="${RPCS:-ping get_institution list_institutions create_municipality}"
PLAN_USERNAME="${PLAN_USERNAME:-direktors1}"
PLAN_COUNT="${PLAN_COUNT:-10}"
DURABILITY="${DURABILITY:-full}"
SQLITE_DURATION="${SQLITE_DURATION:-$DURATION}"
BUILD_DIR="${BUILD_DIR:-build}"
BENCH_DIR="${BENCH_DIR:-${TMPDIR:-/tmp}}"

server_bin="$BUILD_DIR/bin/pumpurs-server"
load_bin="$BUILD_DIR/bin/pumpurs-load"
sqlite_bin="$BUILD_DIR/bin/pumpurs-sqlite-baseline"

# Build if needed (a no-op when everything is up to date).
if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
  echo "bench: configuring $BUILD_DIR/ (Release, Ninja)"
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$BUILD_DIR" -j "${PUMPURS_JOBS:-2}" \
  --target pumpurs-server pumpurs-load pumpurs-sqlite-baseline

work="$(mktemp -d "$BENCH_DIR/pumpurs-bench.XXXXXX")"
results="$work/results.jsonl"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ "${KEEP:-0}" == 1 ]]; then
    echo "bench: kept $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

echo "== machine"
echo "cpus: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'))"
echo "kernel: $(uname -sr)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "database dir: $work ($(df -PT "$work" | awk 'NR==2 {print $2 " on " $1}'))"
echo "durability: $DURABILITY, duration $DURATION, warmup $WARMUP, repeats $REPEATS"
echo

# The server logs one JSON line per RPC to stderr.
server_log="${SERVER_LOG:-$work/server.log}"
# --demo: pumpurs-load signs in as the demo administrator (the directory
# needs one); its load codes stay clear of the demo's.
"$server_bin" --listen 127.0.0.1:0 --port_file "$work/port" \
  --db "$work/bench.db" --durability "$DURABILITY" --demo \
  2>"$server_log" &
server_pid=$!
for _ in $(seq 100); do
  [[ -s "$work/port" ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "bench: the server exited at start:" >&2
    cat "$server_log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ ! -s "$work/port" ]]; then
  echo "bench: the server wrote no port file within 10 s" >&2
  exit 1
fi
target="127.0.0.1:$(cat "$work/port")"
echo "== server pid $server_pid on $target"
echo

# Raw SQLite on the same filesystem as the server's database; the server
# is idle meanwhile.
sqlite() {
  local out
  out="$("$sqlite_bin" --dir "$work" --duration "$SQLITE_DURATION" --json "$@")"
  grep -v '^{' <<<"$out"
  grep '^{' <<<"$out" | sed "s/^{/{\"kind\":\"sqlite\",\"repeat\":$rep,/" \
    >>"$results"
  echo
}

# Each repeat runs everything once, so slow phases of the machine (its disk
# and CPU vary from minute to minute) spread over all measurements.
for ((rep = 1; rep <= REPEATS; rep++)); do
  for c in $CONCURRENCY; do
    for rpc in $RPCS; do
      echo "== load: $rpc, concurrency $c, run $rep/$REPEATS"
      # The plan RPCs work as a head of institution; the rest as the
      # administrator (pumpurs-load's default).
      as=()
      case "$rpc" in
        get_support_plan | list_support_plans | record_delivery)
          as=(--username "$PLAN_USERNAME" --list_size "$PLAN_COUNT") ;;
      esac
      for ((attempt = 1; ; attempt++)); do
        out="$("$load_bin" --target "$target" --rpc "$rpc" ${as[@]+"${as[@]}"} \
          --concurrency "$c" --duration "$DURATION" --warmup "$WARMUP" \
          --server_pid "$server_pid" --json)"
        grep -v '^{' <<<"$out"
        [[ -n "${MAX_OTHER_CPU:-}" ]] || break
        other="$(grep '^{' <<<"$out" | grep -o '"others_cpu_cores":[0-9.]*' |
          cut -d: -f2 | sort -g | tail -n1)"
        if awk -v o="${other:-0}" -v m="$MAX_OTHER_CPU" 'BEGIN {exit !(o > m)}'; then
          if ((attempt > ${RETRIES:-4})); then
            echo "bench: still disturbed (other processes used $other cores); keeping it"
            break
          fi
          echo "bench: disturbed (other processes used $other cores); again in 20 s"
          sleep 20
          continue
        fi
        break
      done
      grep '^{' <<<"$out" | sed "s/^{/{\"kind\":\"load\",\"repeat\":$rep,/" \
        >>"$results"
      echo
    done
  done
  echo "== raw SQLite, run $rep/$REPEATS"
  sqlite --durability "$DURABILITY" --batch 1
  sqlite --durability "$DURABILITY" --batch 32 --reads=false --fsync=false
  if [[ "$DURABILITY" == full ]]; then
    sqlite --durability normal --batch 1 --reads=false --fsync=false
  fi
done

echo "== stopping the server (SIGTERM)"
kill -TERM "$server_pid"
if ! wait "$server_pid"; then
  echo "bench: the server exited non-zero after SIGTERM" >&2
  server_pid=""
  exit 1
fi
server_pid=""
echo "server log: $(wc -l <"$server_log") lines"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

if [[ -n "${JSON_OUT:-}" ]]; then
  cp "$results" "$JSON_OUT"
fi

if ! command -v python3 >/dev/null 2>&1; then
  echo "bench: python3 not found; raw results:"
  cat "$results"
  exit 0
fi
echo "== summary (median of $REPEATS run(s) each)"
python3 - "$results" <<'PY'
import json, statistics, sys

loads, sqlites = {}, {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["kind"] == "load":
        loads.setdefault((r["result"]["rpc"], r["concurrency"]), []).append(r)
    else:
        for m in r["results"]:
            sqlites.setdefault((m["name"], r["durability"]), []).append(m)

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

def cores(values):
    m = med(values)
    return "-" if m is None else f"{m:.2f}"

def spread(values):
    return f"{min(values):.0f}–{max(values):.0f}" if len(values) > 1 else "-"

# CPU columns: cores busy during the measured window (server, this client,
# everything else on the machine: the last one is noise).
print("| RPC | concurrency | calls/s | (min–max) | p50 µs | p99 µs | "
      "ratio vs Ping | Ping calls/s | errors | server CPU | client CPU | "
      "other CPU |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
order = ["ping", "get_institution", "list_institutions", "create_municipality",
         "search_articles", "recommend_measures", "get_support_plan",
         "list_support_plans", "record_delivery"]
def rank(rpc):
    return order.index(rpc) if rpc in order else len(order)
for (rpc, c), runs in sorted(loads.items(),
                             key=lambda kv: (kv[0][1], rank(kv[0][0]))):
    res = [r["result"] for r in runs]
    tput = [x["throughput"] for x in res]
    if rpc == "ping":
        ping = med(tput)
    else:
        ping = med([r["baseline"]["throughput"] for r in runs if r["baseline"]])
    ratio = med([r["ratio_vs_ping"] for r in runs])
    errors = sum(sum(x["errors"].values()) for x in res)
    print(f"| {rpc} | {c} | {med(tput):.0f} | {spread(tput)} | "
          f"{med([x['p50_us'] for x in res]):.0f} | "
          f"{med([x['p99_us'] for x in res]):.0f} | "
          f"{'-' if ratio is None else f'{ratio:.3f}'} | "
          f"{'-' if ping is None else f'{ping:.0f}'} | {errors} | "
          f"{cores([x.get('server_cpu_cores') for x in res])} | "
          f"{cores([x['client_cpu_cores'] for x in res])} | "
          f"{cores([x.get('others_cpu_cores') for x in res])} |")
print()
print("| SQLite (one thread) | synchronous | txns/s | (min–max) | rows/s | "
      "p50 µs | p99 µs |")
print("|---|---|---:|---:|---:|---:|---:|")
for (name, durability), ms in sqlites.items():
    ops = [m["ops_per_s"] for m in ms]
    rows = med([m["rows_per_s"] for m in ms])
    print(f"| {name} | {durability.upper()} | {med(ops):.0f} | {spread(ops)} | "
          f"{f'{rows:.0f}' if rows else '-'} | "
          f"{med([m['p50_us'] for m in ms]):.0f} | "
          f"{med([m['p99_us'] for m in ms]):.0f} |")
print()
for (rpc, c), runs in sorted(loads.items(), key=lambda kv: kv[0][1]):
    if rpc != "create_municipality":
        continue
    creates = med([r["result"]["throughput"] for r in runs])
    for (name, durability), ms in sqlites.items():
        if not name.startswith("insert"):
            continue
        rows = med([m["rows_per_s"] for m in ms])
        print(f"create_municipality at concurrency {c}: {creates:.0f}/s = "
              f"{creates / rows:.2f} x raw SQLite '{name}' "
              f"({durability.upper()}, {rows:.0f} rows/s)")
PY
