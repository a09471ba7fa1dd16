#!/usr/bin/env bash
# The Action's install steps (action.yml), also run by the test suite.
#
#   install.sh resolve   decide what to install: outputs kind (release | source | path), version,
#                        dir (what actions/cache keeps) and cache-key
#   install.sh install   install it into dir unless the cache already restored it, and put its
#                        bin/ on PATH
#
# Kinds:
#   release  a version tag (v0.1.0): the release's tarball, checked against its SHA256SUMS. If the
#            release has no tarball (not published yet), pgsafe is built from source instead.
#   source   any other ref (a branch, a commit, `uses: ./`): built from this action's own source
#            with the distribution's packages (scripts/setup.sh), cached under a key that is the
#            hash of that source, so a warm cache skips the build.
#   path     PGSAFE_BIN_DIR names a folder that already has pgsafe and pgsafe-apply.
#
# Environment: PGSAFE_VERSION (the version input), PGSAFE_ACTION_REF, PGSAFE_ACTION_REPOSITORY,
# PGSAFE_BIN_DIR, PGSAFE_RELEASE_BASE_URL (default https://github.com/<repo>/releases/download),
# and GitHub's RUNNER_TOOL_CACHE, RUNNER_OS, RUNNER_ARCH, GITHUB_OUTPUT, GITHUB_PATH.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_root=$(dirname "$here")
output=${GITHUB_OUTPUT:-/dev/null}

say() { echo "pgsafe-action: $*" >&2; }
fail() { echo "::error title=pgsafe::$*"; say "error: $*"; exit 2; }

# x86_64 Linux is what the release carries; anything else builds from source.
platform() {
  local os=${RUNNER_OS:-$(uname -s)} arch=${RUNNER_ARCH:-$(uname -m)}
  case "$os/$arch" in
    Linux/X64 | Linux/x86_64) echo linux-x86_64 ;;
    *) echo "" ;;
  esac
}

resolve() {
  local requested=${PGSAFE_VERSION:-} ref=${PGSAFE_ACTION_REF:-} repo=${PGSAFE_ACTION_REPOSITORY:-}
  # github.action_ref and github.action_repository can be empty inside a composite action
  # (actions/runner#2473); the runner checks the action out at .../_actions/<owner>/<repo>/<ref>.
  if [ -z "$ref" ] || [ -z "$repo" ]; then
    case "$source_root" in
      */_actions/*/*/*)
        local tail=${source_root#*/_actions/}
        [ -n "$repo" ] || repo=$(echo "$tail" | cut -d/ -f1-2)
        [ -n "$ref" ] || ref=$(echo "$tail" | cut -d/ -f3)
        ;;
    esac
  fi
  [ -n "$repo" ] || repo=pgsafe/pgsafe
  local base=${RUNNER_TOOL_CACHE:-${HOME:-/tmp}/.cache}/pgsafe
  local kind version dir key
  if [ -n "${PGSAFE_BIN_DIR:-}" ]; then
    kind=path
    dir=$PGSAFE_BIN_DIR
    version=local
    key=none
  else
    local candidate=${requested:-$ref}
    if [[ "$candidate" =~ ^v?([0-9]+\.[0-9]+\.[0-9]+)$ ]] && [ -n "$(platform)" ]; then
      kind=release
      version=${BASH_REMATCH[1]}
      dir=$base/$version/$(platform)
      key=pgsafe-release-$version-$(platform)
    elif [ -n "$requested" ] && [[ ! "$requested" =~ ^v?[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
      fail "version '$requested' is not a release version such as v0.1.0"
    else
      # The hash of the source this action was checked out at: the same source, the same build.
      kind=source
      local digest
      digest=$(cd "$source_root" && find CMakeLists.txt cmake analyzer applier cli parser reporters rules patterns scripts docs/ci \
                 -type f ! -name '*.md' -print0 2>/dev/null | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
      version=source-$digest
      dir=$base/source-$digest
      # The runner image too (ImageOS, e.g. ubuntu24): a build links the image's libraries.
      key=pgsafe-source-$digest-${ImageOS:-${RUNNER_OS:-$(uname -s)}}-${RUNNER_ARCH:-$(uname -m)}
    fi
  fi
  {
    echo "kind=$kind"
    echo "version=$version"
    echo "dir=$dir"
    echo "cache-key=$key"
    echo "repository=$repo"
  } >> "$output"
  say "install $kind ($version) into $dir"
}

# The binaries work: pgsafe answers --version; pgsafe-apply starts (its libraries are there).
works() {
  "$1/pgsafe" --version >/dev/null 2>&1 && "$1/pgsafe-apply" --version >/dev/null 2>&1
}

download_release() {
  local dir=$1 version=$2 repo=$3
  local base=${PGSAFE_RELEASE_BASE_URL:-${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download}
  local tarball=pgsafe-$version-$(platform).tar.gz
  local tmp
  tmp=$(mktemp -d)
  say "downloading $base/v$version/$tarball"
  if ! curl -fsSL --retry 3 -o "$tmp/$tarball" "$base/v$version/$tarball" ||
     ! curl -fsSL --retry 3 -o "$tmp/SHA256SUMS" "$base/v$version/SHA256SUMS"; then
    rm -rf "$tmp"
    return 1
  fi
  # The tarball must be listed in SHA256SUMS and match it: a missing line is a failure too.
  grep -E "^[0-9a-f]{64}  \*?$tarball\$" "$tmp/SHA256SUMS" > "$tmp/expected" ||
    { rm -rf "$tmp"; fail "SHA256SUMS of v$version does not list $tarball"; }
  (cd "$tmp" && sha256sum -c --status expected) ||
    { rm -rf "$tmp"; fail "$tarball does not match the release's SHA256SUMS: not installed"; }
  mkdir -p "$dir"
  tar -xzf "$tmp/$tarball" -C "$tmp"
  rm -rf "$dir/bin"
  mv "$tmp/pgsafe-$version/bin" "$dir/bin"
  rm -rf "$tmp"
}

build_from_source() {
  local dir=$1
  say "building pgsafe from source ($source_root); a warm cache skips this"
  # libpg_query with the PostgreSQL 18 grammar comes from Debian's archive (scripts/fetch-libpg-query.sh);
  # on a runner whose apt sources are not Debian's, name Debian's mirror.
  if ! grep -rqsE '^[^#]*(deb\.debian\.org|/debian/?( |$))' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    export PGSAFE_DEBIAN_MIRROR=${PGSAFE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
  fi
  local build=$dir/build
  (cd "$source_root" && BUILD_DIR=$build scripts/setup.sh --no-tests)
  mkdir -p "$dir/bin"
  install -m 0755 "$build/cli/pgsafe" "$build/cli/pgsafe-apply" "$dir/bin/"
  rm -rf "$build"  # only the binaries are cached
}

install() {
  local kind=${PGSAFE_KIND:?} dir=${PGSAFE_DIR:?} version=${PGSAFE_RESOLVED_VERSION:?} repo=${PGSAFE_REPOSITORY:-pgsafe/pgsafe}
  local bin=$dir/bin
  [ "$kind" = path ] && bin=$dir
  if [ "$kind" != path ] && ! works "$bin"; then
    if [ "$kind" = release ]; then
      download_release "$dir" "$version" "$repo" || {
        echo "::warning title=pgsafe::no release tarball for v$version could be downloaded; building from source"
        build_from_source "$dir"
      }
    else
      build_from_source "$dir"
    fi
  fi
  if ! works "$bin" && [ -x "$bin/pgsafe" ] && ! "$bin/pgsafe-apply" --version >/dev/null 2>&1; then
    # The linter is static; the applier needs libpq. Runners usually have it.
    say "pgsafe-apply cannot start; installing libpq5"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    { $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq --no-install-recommends libpq5; } >/dev/null || true
  fi
  works "$bin" || fail "pgsafe was not installed in $bin (see the messages above)"
  [ -n "${GITHUB_PATH:-}" ] && echo "$bin" >> "$GITHUB_PATH"
  echo "bin=$bin" >> "$output"
  say "$("$bin/pgsafe" --version)"
}

case "${1:-}" in
  resolve) resolve ;;
  install) install ;;
  *) echo "usage: install.sh resolve|install" >&2; exit 2 ;;
esac
