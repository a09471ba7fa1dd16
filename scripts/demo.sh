#!/usr/bin/env bash
# Quick start: install, build, and lint the example migrations shipped in migrations/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-tests
echo
echo "\$ pgsafe lint migrations/"
status=0
"${BUILD_DIR:-build}"/cli/pgsafe lint migrations/ || status=$?
echo
echo "pgsafe exited with $status (0 clean, 1 findings, 2 usage or input error)."
echo "Explain a rule with: ${BUILD_DIR:-build}/cli/pgsafe explain <rule-id>"
# The examples contain findings on purpose: exit 1 is the expected outcome of the demo.
[ "$status" -le 1 ]
