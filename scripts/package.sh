#!/usr/bin/env bash
# Builds a release of pgsafe and checks it (docs/release.md): on Debian 12, as root or with sudo.
#   1. installs the build packages and builds, through scripts/setup.sh: a Release build with the
#      linter fully static (PGSAFE_FULLY_STATIC=ON), targets pgsafe and pgsafe-apply only;
#   2. packs them (scripts/make-packages.sh) into OUT:
#        pgsafe_<version>_amd64.deb, pgsafe-<version>-linux-x86_64.tar.gz, SHA256SUMS;
#   3. checks the artifacts as a user gets them (scripts/check-packages.sh): checksums, the
#      .deb's fields and files, both binaries run from the unpacked .deb and tarball, and the
#      static linter lints the example migrations.
# Running it again rebuilds what changed and replaces the artifacts; any failure stops it with a
# non-zero exit and says what failed.
#
# Usage: scripts/package.sh [--out DIR] [--build-dir DIR]   (defaults: dist, build-release)
set -euo pipefail
cd "$(dirname "$0")/.."

out=dist build=build-release
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --build-dir) build=${2:?--build-dir needs a folder}; shift 2 ;;
    *) echo "usage: scripts/package.sh [--out DIR] [--build-dir DIR]" >&2; exit 2 ;;
  esac
done
[ "$(uname -m)" = x86_64 ] || { echo "pgsafe package: releases are built on x86-64 (this is $(uname -m))" >&2; exit 1; }

start=$SECONDS
echo "pgsafe package: building pgsafe and pgsafe-apply (Release, static linter) in $build" >&2
BUILD_DIR=$build CMAKE_BUILD_TYPE=Release \
  PGSAFE_CMAKE_ARGS="-DPGSAFE_FULLY_STATIC=ON -DPGSAFE_BUILD_APPLIER=ON ${PGSAFE_CMAKE_ARGS:-}" \
  scripts/setup.sh --no-tests
built=$SECONDS

# The version is the one the build was configured with (project(VERSION) in CMakeLists.txt), and
# the binary must say the same.
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[ -n "$version" ] || version=$(sed -nE 's/^project\(pgsafe VERSION ([0-9.]+).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "pgsafe package: no project(VERSION) found in CMakeLists.txt" >&2; exit 1; }
linter=$build/cli/pgsafe applier=$build/cli/pgsafe-apply
"$linter" --version | grep -qF "pgsafe $version " || { echo "pgsafe package: $linter --version does not say $version" >&2; exit 1; }

scripts/make-packages.sh --pgsafe "$linter" --pgsafe-apply "$applier" --version "$version" --out "$out"
scripts/check-packages.sh --dir "$out" --version "$version"
echo "pgsafe package: build $((built - start)) s, packing and checks $((SECONDS - built)) s; artifacts in $out:" >&2
(cd "$out" && ls -l "pgsafe_${version}_amd64.deb" "pgsafe-${version}-linux-x86_64.tar.gz" SHA256SUMS) >&2
