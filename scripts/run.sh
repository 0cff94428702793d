#!/usr/bin/env bash
# Sets up, builds and starts a demo Pumpurs server on 127.0.0.1:50051.
# Extra arguments are passed on to pumpurs-server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
scripts/build.sh
mkdir -p var

cat <<'MSG'

Pumpurs demo server starting on 127.0.0.1:50051 (database: var/pumpurs.db).
Try it from another terminal, in this folder:

  build/bin/pumpurs --server 127.0.0.1:50051 health

  .tools/node_modules/.bin/buf curl --protocol grpc --http2-prior-knowledge \
      --list-methods http://127.0.0.1:50051

  .tools/node_modules/.bin/buf curl --protocol grpc --http2-prior-knowledge \
      -d '{}' http://127.0.0.1:50051/pumpurs.v1.DirectoryService/ListMunicipalities

Stop with Ctrl-C.

MSG

exec build/bin/pumpurs-server --demo --listen 127.0.0.1:50051 --db var/pumpurs.db "$@"
