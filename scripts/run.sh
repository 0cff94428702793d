#!/usr/bin/env bash
# Sets up, builds and starts a demo Pumpurs server on 127.0.0.1:50051.
# Extra arguments are passed on to pumpurs-server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
scripts/build.sh
mkdir -p var

# The demo's closed plans are in the two semesters before today's.
last_school_year=$(( $(date +%Y) - ( $(date +%-m) >= 9 ? 1 : 2 ) ))
sed "s/LAST_SCHOOL_YEAR/${last_school_year}/" <<'MSG'

Pumpurs demo server starting on 127.0.0.1:50051 (database: var/pumpurs.db).
Try it from another terminal, in this folder (demo accounts and their
password: README, "Demo accounts"):

  build/bin/pumpurs health
  build/bin/pumpurs selfcheck take --age_band=grades_5_9     # no account needed

  PUMPURS_PASSWORD=demo-parole-2026 build/bin/pumpurs login direktors1
  build/bin/pumpurs plans list                # the school's support plans

  PUMPURS_PASSWORD=demo-parole-2026 build/bin/pumpurs login pasvaldiba1
  build/bin/pumpurs initiatives list          # the municipality's projects
  build/bin/pumpurs stats indicators --municipality="Ābeļu novads" --school_year=LAST_SCHOOL_YEAR
  build/bin/pumpurs stats chart --municipality="Ābeļu novads" --school_year=LAST_SCHOOL_YEAR --out=trend.svg

  .tools/node_modules/.bin/buf curl --protocol grpc --http2-prior-knowledge \
      --list-methods http://127.0.0.1:50051

Stop with Ctrl-C.

MSG

exec build/bin/pumpurs-server --demo --listen 127.0.0.1:50051 --db var/pumpurs.db "$@"
