#!/usr/bin/env bash
# Installs everything Pumpurs needs to build, run and test on Debian 12.
# Idempotent: when everything is already present it prints one line and
# never touches apt or the npm registry.
set -euo pipefail

# Debian packages the project needs. Add new ones here.
PACKAGES=(
  build-essential g++ cmake ninja-build pkg-config git ca-certificates
  libgrpc++-dev libgrpc-dev protobuf-compiler protobuf-compiler-grpc
  libprotobuf-dev libabsl-dev
  libsqlite3-dev libicu-dev libsodium-dev openssl sqlite3
  libgtest-dev libgmock-dev
  python3 python3-grpcio python3-protobuf python3-pytest
  openjdk-17-jdk-headless libprotobuf-java
  nodejs npm
  clang-format curl procps tzdata
)

# npm tools installed project-locally into .tools/ (git-ignored).
BUF_VERSION="1.75.0"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "setup: need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

# A package counts as present if dpkg has it installed. Some packages are
# also satisfied by a command another package ships: e.g. NodeSource's
# nodejs bundles npm and *conflicts* with Debian's npm package, so
# installing "npm" there would break nodejs.
is_present() {
  local pkg="$1"
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" == "install ok installed" ]]; then
    return 0
  fi
  case "$pkg" in
    npm) command -v npm >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_present "$pkg" || missing+=("$pkg")
done

did_something=0
if (( ${#missing[@]} > 0 )); then
  did_something=1
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

BUF="$ROOT/.tools/node_modules/.bin/buf"
if [[ "$("$BUF" --version 2>/dev/null || true)" != "$BUF_VERSION" ]]; then
  did_something=1
  echo "setup: installing @bufbuild/buf@$BUF_VERSION into .tools/"
  mkdir -p "$ROOT/.tools"
  npm install --prefix "$ROOT/.tools" --no-audit --no-fund --silent \
    --no-save "@bufbuild/buf@$BUF_VERSION" >/dev/null
  got="$("$BUF" --version 2>/dev/null || true)"
  if [[ "$got" != "$BUF_VERSION" ]]; then
    echo "setup: buf install failed (got '${got}', want $BUF_VERSION)" >&2
    exit 1
  fi
fi

if (( did_something )); then
  echo "setup: done"
else
  echo "setup: all dependencies present"
fi
