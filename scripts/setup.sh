#!/usr/bin/env bash
# Installs what pgsafe needs from Debian's packages (and npm for the schema checks), then builds.
# Usage: scripts/setup.sh [--no-tests]   (run as root, or with sudo available, on Debian 12)
# Environment: BUILD_DIR (default build); CMAKE_BUILD_TYPE (default RelWithDebInfo);
#              PGSAFE_CMAKE_ARGS, more -D options (scripts/package.sh: the static release build);
#              PGSAFE_PG_QUERY_ROOT, a libpg_query >= 17 tree to use instead of fetching one.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=1
[ "${1:-}" = "--no-tests" ] && with_tests=0

# libprotobuf-dev and zlib1g-dev for their static archives: the linter links them in (start-up time).
packages=(build-essential cmake pkg-config libprotobuf-dev zlib1g-dev protobuf-compiler
          nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libssl-dev libpq-dev
          debian-archive-keyring)
if [ "$with_tests" = 1 ]; then
  # catch2 for the tests, PostgreSQL for the applier tests, util-linux for setpriv; clang 16 with
  # its sanitizer and libFuzzer runtimes, and ninja, for the sanitizer and fuzzing stage
  # (scripts/sanitize.sh; clang 14 cannot compile pgsafe's C++20), llvm-14 for llvm-symbolizer.
  packages+=(catch2 postgresql util-linux clang-16 libclang-rt-16-dev llvm-14 ninja-build)
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "pgsafe: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$with_tests" = 1 ] && { [ ! -x node_modules/.bin/ajv ] || [ ! -x node_modules/.bin/action-validator ] || [ ! -d node_modules/yaml ]; }; then
  echo "pgsafe: installing the schema and workflow validators (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

# libpg_query with the PostgreSQL 18 grammar: a system one >= 17 when installed, else Debian's
# libpg-query-dev 18 unpacked into .deps/ (the system is not changed; see the script).
pg_query_args=()
if [ -n "${PGSAFE_PG_QUERY_ROOT:-}" ]; then
  pg_query_args=("-DPGSAFE_PG_QUERY_ROOT=$PGSAFE_PG_QUERY_ROOT")
elif ! grep -qsE '^#define PG_MAJORVERSION "(1[7-9]|[2-9][0-9])"' /usr/include/pg_query.h; then
  scripts/fetch-libpg-query.sh
fi

build=${BUILD_DIR:-build}
# shellcheck disable=SC2086  # PGSAFE_CMAKE_ARGS is a list of -D options, split on spaces
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" \
  -DPGSAFE_BUILD_TESTS=$([ "$with_tests" = 1 ] && echo ON || echo OFF) "${pg_query_args[@]}" ${PGSAFE_CMAKE_ARGS:-} >/dev/null
jobs=$(nproc 2>/dev/null || echo 2)
if [ "$with_tests" = 1 ]; then
  cmake --build "$build" -j "$jobs"
else
  # pgsafe, the linter, and pgsafe-apply, the applier it hands apply/status/repair/plan --db to.
  cmake --build "$build" -j "$jobs" --target pgsafe pgsafe-apply
fi
