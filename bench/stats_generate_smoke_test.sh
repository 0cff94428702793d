#!/usr/bin/env bash
# bench_stats_generate_smoke (CTest, label "bench"): keeps
# pumpurs-stats-generate working. A tiny data set (5 institutions, 500
# pupils, 800 plans over 2 semesters) must come out with its statistics
# counters built (stats_built non-zero: the server will not rebuild them)
# and the national distinct-pupil count of
# each school year equal to a recount from support_plans; never how fast.
# Usage: stats_generate_smoke_test.sh PUMPURS_STATS_GENERATE
set -euo pipefail

generate_bin="$1"
work="$(mktemp -d "${TMPDIR:-/tmp}/pumpurs-stats-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$generate_bin" --db "$work/stats.db" --institutions 5 --municipalities 2 \
  --pupils 500 --plans 800 --semesters 2 --deliveries_per_plan 2 \
  --youth_calls 4 --projects_per_call 3 --batch 200 ||
  { echo "bench_stats_generate_smoke: FAIL: the generator exited non-zero" >&2; exit 1; }

/usr/bin/python3 - "$work/stats.db" <<'PY'
import sqlite3, sys

db = sqlite3.connect(sys.argv[1])
def one(sql, *args):
    return db.execute(sql, args).fetchone()[0]

failures = []
if one("SELECT built FROM stats_built") == 0:
    failures.append("stats_built is 0: the counters were not built")
years = [r[0] for r in db.execute(
    "SELECT DISTINCT school_year FROM support_plans ORDER BY 1")]
if not years:
    failures.append("no support plans")
for year in years:
    want = one("SELECT count(DISTINCT pupil_id) FROM support_plans WHERE "
               "school_year = ? AND state IN (3, 4, 5, 6, 8)", year)
    got = db.execute("SELECT pupils FROM stats_year_pupils WHERE "
                     "school_year = ? AND scope = 'n' AND key = '*'",
                     (year,)).fetchone()
    got = got[0] if got else 0
    print(f"school year {year}: {got} pupils counted, {want} recounted")
    if want == 0 or got != want:
        failures.append(f"school year {year}: counters say {got} pupils, "
                        f"support_plans {want}")
if one("SELECT count(*) FROM initiatives WHERE state IN (4, 6, 7, 8)") == 0:
    failures.append("no funded youth projects")
if failures:
    print("bench_stats_generate_smoke: FAIL: " + "; ".join(failures),
          file=sys.stderr)
    sys.exit(1)
print("bench_stats_generate_smoke: OK")
PY
