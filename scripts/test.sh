#!/usr/bin/env bash
# Install, build and run the whole test suite: the lint tests and the applier tests (which start
# their own throwaway PostgreSQL 15 server); then the same suite built with ASan and UBSan, and
# the fuzz targets (scripts/sanitize.sh, in build-asan). This is what CI runs (.ci/run).
# Usage: scripts/test.sh [--no-sanitize]   (skips the sanitizer and fuzzing stage)
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=1
[ "${1:-}" = "--no-sanitize" ] && sanitize=0

start=$SECONDS
scripts/setup.sh
built=$SECONDS
echo "pgsafe test: install and build took $((built - start)) s" >&2
(cd "${BUILD_DIR:-build}" && ctest --output-on-failure --timeout 1500)
tested=$SECONDS
echo "pgsafe test: test suite took $((tested - built)) s" >&2
passed=$(cd "${BUILD_DIR:-build}" && ctest -N | sed -n 's/^Total Tests: //p')
if [ "$sanitize" = 1 ]; then
  scripts/sanitize.sh
  # The sanitized suite (the same ctest tests but the package test: a sanitized build cannot link
  # a static linter) and the fuzz targets.
  fuzz_targets=(${PGSAFE_FUZZ_TARGETS:-file set})
  sanitized=$(cd "${ASAN_BUILD_DIR:-build-asan}" && ctest -N | sed -n 's/^Total Tests: //p')
  passed=$((passed + sanitized + ${#fuzz_targets[@]}))
fi
echo "pgsafe test: everything took $((SECONDS - start)) s" >&2
echo "pgsafe: ${passed} passed, 0 failed"
