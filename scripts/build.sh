#!/usr/bin/env bash
# Configures (once) and builds Pumpurs into build/; binaries land in build/bin/.
# Env: PUMPURS_JOBS (default 2), PUMPURS_CMAKE_ARGS (extra configure args,
# used only when build/ is configured for the first time).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -f build/CMakeCache.txt ]]; then
  echo "build: configuring build/ (Release, Ninja)"
  # shellcheck disable=SC2086  # word-splitting of extra args is intended
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release ${PUMPURS_CMAKE_ARGS:-}
fi

cmake --build build -j "${PUMPURS_JOBS:-2}"
