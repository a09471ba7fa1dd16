#!/usr/bin/env bash
# Packs two built executables into the release's artifacts (docs/release.md):
#   pgsafe_<version>_amd64.deb                 /usr/bin/pgsafe, /usr/bin/pgsafe-apply, /usr/share/doc/pgsafe/
#   pgsafe-<version>-linux-x86_64.tar.gz       pgsafe-<version>/{bin/pgsafe,bin/pgsafe-apply,README.md,INSTALL,copyright}
#   SHA256SUMS                                 sha256sum's format, over the two above
# Both executables are stripped on the way in (the build's debug information is not shipped).
# The linter must be fully static (the release's promise: it runs on any x86-64 Linux); the
# applier's package dependencies are computed from the libraries it links, with dpkg-shlibdeps.
#
# scripts/package.sh builds the executables and calls this; the test suite calls it on the test
# build's binaries (tests/package_test.sh). Needs dpkg-dev, binutils and gzip (build-essential).
#
# Usage: scripts/make-packages.sh --pgsafe FILE --pgsafe-apply FILE --version X.Y.Z --out DIR
# Environment: SOURCE_DATE_EPOCH (default: the last commit's time) stamps every file, so the same
#              binaries give byte-identical artifacts; PGSAFE_DEB_MAINTAINER, the control file's
#              Maintainer.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "pgsafe package: error: $*" >&2; exit 1; }
usage() { echo "usage: scripts/make-packages.sh --pgsafe FILE --pgsafe-apply FILE --version X.Y.Z --out DIR" >&2; exit 2; }

linter="" applier="" version="" out=""
while [ $# -gt 0 ]; do
  case $1 in
    --pgsafe) linter=${2:?}; shift 2 ;;
    --pgsafe-apply) applier=${2:?}; shift 2 ;;
    --version) version=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$linter" ] && [ -n "$applier" ] && [ -n "$version" ] && [ -n "$out" ] || usage
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([~+.-][0-9A-Za-z.~+-]+)?$ ]] || die "'$version' is not a version (X.Y.Z)"
for f in "$linter" "$applier"; do
  [ -f "$f" ] && [ -x "$f" ] || die "$f is not an executable file"
done
for tool in dpkg-deb dpkg-shlibdeps readelf strip gzip sha256sum tar; do
  command -v "$tool" >/dev/null || die "$tool is missing (apt-get install dpkg-dev binutils)"
done

# The linter has no program interpreter and no dynamic section: nothing for a loader to resolve.
if readelf -lW "$linter" | grep -q 'INTERP' || ! readelf -dW "$linter" | grep -q 'There is no dynamic section'; then
  die "$linter is not a static executable (configure with -DPGSAFE_FULLY_STATIC=ON)"
fi
readelf -dW "$applier" | grep -q 'NEEDED.*\[libpq\.so' || die "$applier does not link libpq: is it pgsafe-apply?"

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH
maintainer=${PGSAFE_DEB_MAINTAINER:-pgsafe maintainers <maintainers@pgsafe.invalid>}
arch=amd64
deb_name=pgsafe_${version}_${arch}.deb
tar_name=pgsafe-${version}-linux-x86_64.tar.gz

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/pgsafe-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Nothing from an earlier run may survive into this one's checksums.
rm -f "$out/$deb_name" "$out/$tar_name" "$out/SHA256SUMS"

stripped() {  # stripped SRC DEST: no symbols, no debug information, no .comment/.note
  strip --remove-section=.comment --remove-section=.note -o "$2" "$1"
  chmod 0755 "$2"
  if readelf -SW "$2" | grep -qE '\.(debug_|symtab)'; then die "$2 still carries symbols or debug information"; fi
}

# --- the .deb ---------------------------------------------------------------------------------
pkg=$work/deb
mkdir -p "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/share/doc/pgsafe"
stripped "$linter" "$pkg/usr/bin/pgsafe"
stripped "$applier" "$pkg/usr/bin/pgsafe-apply"
install -m 0644 "$root/README.md" "$pkg/usr/share/doc/pgsafe/README.md"
install -m 0644 "$root/packaging/copyright" "$pkg/usr/share/doc/pgsafe/copyright"
# Debian policy 12.7: a package's changelog, compressed with gzip -9, as changelog.gz for a
# package Debian did not make from an upstream release (a "native" one, as this is).
{
  echo "pgsafe ($version) unstable; urgency=medium"
  echo
  echo "  * pgsafe $version, built by the project's release workflow."
  echo "    Release notes: https://github.com/pgsafe/pgsafe/releases/tag/v$version"
  echo
  echo " -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n > "$pkg/usr/share/doc/pgsafe/changelog.gz"
chmod 0644 "$pkg/usr/share/doc/pgsafe/changelog.gz"

# The dependencies of what pgsafe-apply links, as the system's packages declare them (shlibs and
# symbols files). dpkg-shlibdeps wants a debian/control naming the package; pgsafe needs none.
mkdir -p "$work/shlibdeps/debian"
printf 'Source: pgsafe\n\nPackage: pgsafe\nArchitecture: %s\n' "$arch" > "$work/shlibdeps/debian/control"
substvars=$(cd "$work/shlibdeps" && dpkg-shlibdeps -O -e"$pkg/usr/bin/pgsafe-apply" 2>"$work/shlibdeps.err") \
  || { cat "$work/shlibdeps.err" >&2; die "dpkg-shlibdeps failed on pgsafe-apply"; }
depends=$(sed -n 's/^shlibs:Depends=//p' <<<"$substvars")
[ -n "$depends" ] || die "dpkg-shlibdeps found no dependencies for pgsafe-apply: $substvars"
[[ $depends == *libpq5* ]] || die "pgsafe-apply's dependencies lack libpq5: $depends"

installed_kb=$(du -sk --apparent-size "$pkg/usr" | cut -f1)
cat > "$pkg/DEBIAN/control" <<EOF
Package: pgsafe
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_kb
Depends: $depends
Section: database
Priority: optional
Homepage: https://github.com/pgsafe/pgsafe
Description: safety linter and careful applier for PostgreSQL migrations
 pgsafe parses every migration with PostgreSQL's own parser (libpg_query) and
 replays the whole migration set into a schema catalog, so it flags what a
 per-file check cannot: data loss, lock-heavy and table-rewriting operations,
 unindexed foreign keys, tables without row-level security, unsafe functions
 and views. Output as text, JSON, SARIF, GitHub annotations, markdown or GitLab Code Quality.
 .
 pgsafe-apply applies only migrations that pass, each once, in order and in a
 transaction, with checksums, an audit trail and drift detection; the pgsafe
 command hands it the apply, status, repair and drift commands.
EOF
(cd "$pkg" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/md5sums"
find "$pkg" -type d -exec chmod 0755 {} +
find "$pkg" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$out/$deb_name" >/dev/null

# --- the tarball --------------------------------------------------------------------------------
top=pgsafe-$version
mkdir -p "$work/tar/$top/bin"
cp -p "$pkg/usr/bin/pgsafe" "$pkg/usr/bin/pgsafe-apply" "$work/tar/$top/bin/"
install -m 0644 "$root/README.md" "$work/tar/$top/README.md"
install -m 0644 "$root/packaging/copyright" "$work/tar/$top/copyright"
sed "s/@VERSION@/$version/g" "$root/packaging/INSTALL" > "$work/tar/$top/INSTALL"
chmod 0644 "$work/tar/$top/INSTALL"
find "$work/tar" -type d -exec chmod 0755 {} +
find "$work/tar" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
tar -C "$work/tar" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -cf - "$top" \
  | gzip -9n > "$out/$tar_name"

# --- the checksums ------------------------------------------------------------------------------
(cd "$out" && sha256sum "$deb_name" "$tar_name" > SHA256SUMS)
for f in "$deb_name" "$tar_name" SHA256SUMS; do
  echo "pgsafe package: $out/$f ($(du -h --apparent-size "$out/$f" | cut -f1))" >&2
done
