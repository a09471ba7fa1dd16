#!/usr/bin/env bash
# Provides libpg_query with the PostgreSQL 18 grammar when the system has none >= 17.
#
# Debian 12 ships libpg_query 15 only; Debian's unstable suite has libpg-query-dev 18 (static
# library, pg_query.h, pg_query.proto). This script downloads that one .deb with apt's own client
# and unpacks it into .deps/libpg-query/ in the project (git-ignored), which CMake finds by itself.
#
# It never changes the system: apt runs with a private sources list, package lists and cache under
# .deps/apt/ (the system's apt state, sources and installed packages are untouched), and the .deb
# is unpacked with dpkg-deb -x, not installed. The mirror is the one the machine's apt already
# uses, read from its sources; no host name is written here.
#
# Usage: scripts/fetch-libpg-query.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/.."

dest=.deps/libpg-query
suite=${PGSAFE_PG_QUERY_SUITE:-unstable}
package=libpg-query-dev

if [ "${1:-}" != "--force" ] && [ -f "$dest/usr/include/pg_query.h" ] && [ -f "$dest/.package" ]; then
  exit 0
fi

# The Debian mirror the machine is configured with: the first http(s) URI of a Debian main
# archive in the deb822 sources or the classic sources.list.
# PGSAFE_DEBIAN_MIRROR names one instead (a machine whose apt sources are not Debian's, such as
# an Ubuntu CI runner: the GitHub Action sets http://deb.debian.org/debian there).
mirror=${PGSAFE_DEBIAN_MIRROR:-}
for f in /etc/apt/sources.list.d/*.sources; do
  [ -n "$mirror" ] && break
  [ -f "$f" ] || continue
  m=$(awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i}' "$f" | grep -E '^https?://' | grep -v -- '-security' | grep '/debian/\?$' | head -1 || true)
  [ -n "$m" ] && { mirror=$m; break; }
done
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\//) {print $i; break}}' /etc/apt/sources.list \
           | grep -v -- '-security' | grep '/debian/\?$' | head -1 || true)
fi
if [ -z "$mirror" ]; then
  echo "pgsafe: no Debian mirror found in /etc/apt/sources.list{,.d}; install libpg_query >= 17 (libpg-query-dev)" >&2
  echo "        or unpack libpg-query-dev >= 17 into $dest with dpkg-deb -x" >&2
  exit 2
fi
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || { echo "pgsafe: $keyring is missing (package debian-archive-keyring)" >&2; exit 2; }

apt_dir=$PWD/.deps/apt
rm -rf "$apt_dir"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc/preferences.d" "$apt_dir/debs"
echo "deb [signed-by=$keyring] ${mirror%/} $suite main" > "$apt_dir/etc/sources.list"
# Pinned: from this private list apt may only ever take the one package (nothing is installed
# from it anyway; apt-get download fetches, it does not install).
cat > "$apt_dir/etc/preferences" <<EOF
Package: *
Pin: release a=$suite
Pin-Priority: -1

Package: $package
Pin: release a=$suite
Pin-Priority: 500
EOF
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/etc/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
          -o "Dir::Etc::Preferences=$apt_dir/etc/preferences" -o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
          -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
          -o "Dir::State::status=/dev/null" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root" -qq)
echo "pgsafe: fetching $package from Debian $suite (unpacked into $dest, the system is not changed)" >&2
apt-get "${apt_opts[@]}" update
(cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" download "$package")
deb=$(ls "$apt_dir"/debs/*.deb | head -1)
version=$(dpkg-deb -f "$deb" Version)
major=${version%%.*}
if [ "$major" -lt 17 ] 2>/dev/null; then
  echo "pgsafe: Debian $suite has $package $version; pgsafe needs >= 17" >&2
  exit 2
fi
rm -rf "$dest"
mkdir -p "$dest"
dpkg-deb -x "$deb" "$dest"
# Only the static library is used; the .so link points into a runtime package not fetched.
find "$dest" -name "libpg_query.so*" -delete
# pgsafe generates its C++ classes from pg_query.proto with the system's protoc; the packaged ones
# were made by another protobuf version and must not shadow them.
rm -f "$dest/usr/include/pg_query/pg_query.pb.h"
echo "$package $version" > "$dest/.package"
rm -rf "$apt_dir"
echo "pgsafe: libpg_query $version ready in $dest" >&2
