#!/usr/bin/env bash
# The programme-statistics benchmark (issue 7; results in BENCHMARKS.md,
# "Programme statistics"): GetProgrammeIndicators over the real server on a
# national-scale database.
#
# 1. Builds pumpurs-server, pumpurs-load and pumpurs-stats-generate (unless
#    SKIP_BUILD=1) and copies them aside, so a rebuild during the run does
#    not change what is measured.
# 2. Generates the data set with pumpurs-stats-generate unless STATS_DB
#    exists (defaults: 700 institutions, 43 municipalities, 250,000 pupils,
#    400,000 plans over 8 semesters 2022/1-2025/2, about 3.3 million
#    deliveries, a few hundred youth projects, the statistics counters
#    built; about 2 minutes and 2 GB). The generator's output goes to
#    $STATS_DB.gen.log.
# 3. For each repeat and each kind: drops the data set's pages from the OS
#    cache (DROP_CACHE=1, posix_fadvise on this file only), starts
#    pumpurs-server on it (--bootstrap_admin, so a first run creates the
#    national administrator the load signs in as), times COLD_CALLS calls
#    one by one (the first is the first call after the start: cold), then
#    runs pumpurs-load at each CONCURRENCY (a Ping baseline in the same
#    process first), and reads the server's peak RSS (VmHWM) and RSS from
#    /proc before stopping it with SIGTERM.
# 4. Prints the data set's size and a summary: medians over REPEATS.
#
# Env:
#   STATS_DB     the data set (default /tmp/pumpurs-stats/national.db)
#   GEN_ARGS     extra pumpurs-stats-generate flags when generating, e.g.
#                "--pupils=50000 --plans=80000"
#   KINDS        default "national_indicators municipality_indicators
#                institution_indicators range_indicators"
#   CONCURRENCY  default "1 8"
#   REPEATS      default 3
#   DURATION     measured time of each phase (default 5s)
#   WARMUP       unmeasured load before each phase (default 1s)
#   COLD_CALLS   calls timed one by one after each server start (default 3)
#   CALL_TIMEOUT deadline of each call (default 30s: range_indicators at
#                concurrency 8 takes seconds on 2 cores)
#   DROP_CACHE   1 (default) or 0
#   SCHOOL_YEAR  default 2024; FIRST_SCHOOL_YEAR (range) default 2022
#   ADMIN        the bootstrap administrator (default statsadmin); its
#                password is PUMPURS_BOOTSTRAP_PASSWORD (default
#                stats-bench-parole-2026: a throwaway loopback database)
#   DURABILITY   the server's: full (default) or normal
#   BUILD_DIR    default build
#   SKIP_BUILD=1 use the binaries in BUILD_DIR as they are
#   JSON_OUT     if set, the JSON lines of every run are also written here
#   KEEP=1       keep the temporary directory (server logs, results)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATS_DB="${STATS_DB:-/tmp/pumpurs-stats/national.db}"
GEN_ARGS="${GEN_ARGS:-}"
KINDS="${KINDS:-national_indicators municipality_indicators institution_indicators range_indicators}"
CONCURRENCY="${CONCURRENCY:-1 8}"
REPEATS="${REPEATS:-3}"
DURATION="${DURATION:-5s}"
WARMUP="${WARMUP:-1s}"
COLD_CALLS="${COLD_CALLS:-3}"
CALL_TIMEOUT="${CALL_TIMEOUT:-30s}"
DROP_CACHE="${DROP_CACHE:-1}"
SCHOOL_YEAR="${SCHOOL_YEAR:-2024}"
FIRST_SCHOOL_YEAR="${FIRST_SCHOOL_YEAR:-2022}"
ADMIN="${ADMIN:-statsadmin}"
export PUMPURS_BOOTSTRAP_PASSWORD="${PUMPURS_BOOTSTRAP_PASSWORD:-stats-bench-parole-2026}"
# pumpurs-load reads the password from here (never a flag others could see).
export PUMPURS_PASSWORD="$PUMPURS_BOOTSTRAP_PASSWORD"
DURABILITY="${DURABILITY:-full}"
BUILD_DIR="${BUILD_DIR:-build}"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
    echo "bench: configuring $BUILD_DIR/ (Release, Ninja)"
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
  fi
  cmake --build "$BUILD_DIR" -j "${PUMPURS_JOBS:-2}" \
    --target pumpurs-server pumpurs-load pumpurs-stats-generate
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/pumpurs-stats-bench.XXXXXX")"
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

mkdir -p "$work/bin"
for b in pumpurs-server pumpurs-load pumpurs-stats-generate; do
  cp "$BUILD_DIR/bin/$b" "$work/bin/$b"
done
server_bin="$work/bin/pumpurs-server"
load_bin="$work/bin/pumpurs-load"
generate_bin="$work/bin/pumpurs-stats-generate"

echo "== machine"
echo "cpus: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'))"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "kernel: $(uname -sr)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

if [[ ! -f "$STATS_DB" ]]; then
  mkdir -p "$(dirname "$STATS_DB")"
  echo "== generating $STATS_DB (log: $STATS_DB.gen.log)"
  # shellcheck disable=SC2086  # GEN_ARGS are separate flags
  /usr/bin/time -v "$generate_bin" --db "$STATS_DB" $GEN_ARGS \
    >"$STATS_DB.gen.log" 2>&1 &
  gen_pid=$!
  # Progress while it works: the generator's latest line every 10 s.
  while kill -0 "$gen_pid" 2>/dev/null; do
    sleep 10
    echo "  $(grep -v '^\s*$' "$STATS_DB.gen.log" | tail -n1)"
  done
  if ! wait "$gen_pid"; then
    echo "bench: pumpurs-stats-generate failed:" >&2
    tail -n 20 "$STATS_DB.gen.log" >&2
    rm -f "$STATS_DB"
    exit 1
  fi
else
  echo "== using the existing data set $STATS_DB"
fi
if [[ -f "$STATS_DB.gen.log" ]]; then
  grep -E '^(done in|stats_counts|statistics: built|applications|youth)' \
    "$STATS_DB.gen.log" || true
  grep -E 'Elapsed \(wall|Maximum resident' "$STATS_DB.gen.log" |
    sed 's/^\s*/generator: /' || true
fi
python3 - "$STATS_DB" <<'PY'
import os, sqlite3, sys
path = sys.argv[1]
db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
rows = {}
for table in ["municipalities", "institutions", "pupils", "support_plans",
              "plan_deliveries", "initiative_calls", "initiatives",
              "stats_counts", "stats_year_members", "stats_year_pupils"]:
    rows[table] = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
print("rows: " + ", ".join(f"{t} {n:,}" for t, n in rows.items()))
print(f"stats_built: {db.execute('SELECT built FROM stats_built').fetchone()[0]}")
print(f"file: {os.path.getsize(path) / 1048576:,.0f} MiB")
PY
echo

# Drops this file's pages from the OS page cache (no root needed; only
# this file): the next server start reads it from disk.
drop_cache() {
  [[ "$DROP_CACHE" == 1 ]] || return 0
  python3 - "$STATS_DB" "$STATS_DB-wal" <<'PY'
import os, sys
for path in sys.argv[1:]:
    if os.path.exists(path):
        fd = os.open(path, os.O_RDONLY)
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
PY
}

# kB of a /proc/<pid>/status field.
proc_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }

start_server() {
  local log="$1"
  rm -f "$work/port"
  local t0
  t0="$(date +%s.%N)"
  "$server_bin" --listen 127.0.0.1:0 --port_file "$work/port" \
    --db "$STATS_DB" --durability "$DURABILITY" --bootstrap_admin "$ADMIN" \
    2>"$log" &
  server_pid=$!
  for _ in $(seq 600); do
    [[ -s "$work/port" ]] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "bench: the server exited at start:" >&2
      tail -n 20 "$log" >&2
      exit 1
    fi
    sleep 0.05
  done
  if [[ ! -s "$work/port" ]]; then
    echo "bench: the server wrote no port file within 30 s" >&2
    exit 1
  fi
  start_s="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')"
  if grep -q statistics_rebuild "$log"; then
    echo "bench: the server rebuilt the counters at start (stats_built was 0)"
  fi
  target="127.0.0.1:$(cat "$work/port")"
}

stop_server() {
  kill -TERM "$server_pid"
  if ! wait "$server_pid"; then
    echo "bench: the server exited non-zero after SIGTERM" >&2
    server_pid=""
    exit 1
  fi
  server_pid=""
}

# Each repeat runs every kind once, each on a freshly started server, so
# slow phases of the machine spread over all kinds and every kind has a
# cold first call.
for ((rep = 1; rep <= REPEATS; rep++)); do
  for kind in $KINDS; do
    drop_cache
    log="$work/server-$kind-$rep.log"
    start_server "$log"
    rss_start="$(proc_kb "$server_pid" VmRSS)"
    echo "== $kind, run $rep/$REPEATS: server pid $server_pid on $target," \
      "started in ${start_s} s, RSS $((rss_start / 1024)) MiB"
    cold=(--cold_calls "$COLD_CALLS")
    for c in $CONCURRENCY; do
      out="$("$load_bin" --target "$target" --rpc "$kind" --username "$ADMIN" \
        --stats_school_year "$SCHOOL_YEAR" \
        --stats_first_school_year "$FIRST_SCHOOL_YEAR" \
        --concurrency "$c" --duration "$DURATION" --warmup "$WARMUP" \
        --call_timeout "$CALL_TIMEOUT" --server_pid "$server_pid" \
        ${cold[@]+"${cold[@]}"} --json)"
      grep -v '^{' <<<"$out"
      grep '^{' <<<"$out" | sed "s/^{/{\"kind\":\"$kind\",\"repeat\":$rep,/" \
        >>"$results"
      cold=()
    done
    hwm="$(proc_kb "$server_pid" VmHWM)"
    rss="$(proc_kb "$server_pid" VmRSS)"
    echo "server: peak RSS (VmHWM) $((hwm / 1024)) MiB, RSS after the runs $((rss / 1024)) MiB"
    echo "{\"kind\":\"server\",\"rpc\":\"$kind\",\"repeat\":$rep,\"start_s\":$start_s,\"rss_start_kb\":$rss_start,\"hwm_kb\":$hwm,\"rss_kb\":$rss}" >>"$results"
    stop_server
    echo
  done
done

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data set after the runs: $(du -m "$STATS_DB" | cut -f1) MiB" \
  "(+ WAL $(du -m "$STATS_DB-wal" 2>/dev/null | cut -f1 || echo 0) MiB)"
echo
if [[ -n "${JSON_OUT:-}" ]]; then
  cp "$results" "$JSON_OUT"
fi

echo "== summary (median of $REPEATS run(s) each; latencies in ms)"
python3 - "$results" <<'PY'
import json, statistics, sys

loads, servers = {}, {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["kind"] == "server":
        servers.setdefault(r["rpc"], []).append(r)
    else:
        loads.setdefault((r["kind"], r["concurrency"]), []).append(r)

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

print("| kind | concurrency | calls/s | p50 ms | p99 ms | ratio vs Ping | "
      "Ping calls/s | Ping p50 ms | errors | server CPU | other CPU |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for (kind, c), runs in sorted(loads.items(), key=lambda kv: kv[0][1]):
    res = [r["result"] for r in runs]
    base = [r["baseline"] for r in runs if r["baseline"]]
    errors = sum(sum(x["errors"].values()) for x in res)
    print(f"| {kind} | {c} | {med([x['throughput'] for x in res]):.1f} | "
          f"{med([x['p50_us'] for x in res]) / 1000:.1f} | "
          f"{med([x['p99_us'] for x in res]) / 1000:.1f} | "
          f"{med([r['ratio_vs_ping'] for r in runs]):.4f} | "
          f"{med([b['throughput'] for b in base]):.0f} | "
          f"{med([b['p50_us'] for b in base]) / 1000:.2f} | {errors} | "
          f"{med([x.get('server_cpu_cores') for x in res]):.2f} | "
          f"{med([x.get('others_cpu_cores') for x in res]):.2f} |")
print()
# Cold: the first call after each server start (the data set's pages
# dropped from this machine's page cache); median (max) over the repeats.
print("| kind | 1st call after start ms (cold) | 2nd call ms | 3rd call ms | "
      "server start s | RSS at start MiB | peak RSS MiB | RSS after MiB |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for kind, srv in servers.items():
    colds = [r["cold_us"] for (k, c), runs in loads.items() if k == kind
             for r in runs if r.get("cold_us")]
    cells = []
    for i in range(3):
        vs = [cs[i] / 1000 for cs in colds if len(cs) > i and cs[i] >= 0]
        cells.append(f"{med(vs):.1f} ({max(vs):.1f})" if vs else "-")
    print(f"| {kind} | {' | '.join(cells)} | "
          f"{med([s['start_s'] for s in srv]):.2f} | "
          f"{med([s['rss_start_kb'] for s in srv]) / 1024:.0f} | "
          f"{max(s['hwm_kb'] for s in srv) / 1024:.0f} | "
          f"{med([s['rss_kb'] for s in srv]) / 1024:.0f} |")
PY
