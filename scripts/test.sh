#!/usr/bin/env bash
# Install, build and run the whole test suite: the lint tests and the applier tests (which start
# their own throwaway PostgreSQL 15 server).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure --timeout 1500
