#!/usr/bin/env bash
# Checks the release artifacts that scripts/make-packages.sh wrote into DIR, as a user gets them:
# the checksums, the .deb's control fields, file list and permissions, the tarball's layout, and
# both executables run from the unpacked .deb and tarball (the linter fully static; the linter
# handing an applier command to the pgsafe-apply beside it; lints of the example migrations).
# Fails, naming what is wrong, at the first problem. Used by scripts/package.sh after a release
# build and by the test suite (tests/package_test.sh).
#
# Usage: scripts/check-packages.sh --dir DIR --version X.Y.Z
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

fail() { echo "pgsafe package check: FAILED: $*" >&2; exit 1; }
dir="" version=""
while [ $# -gt 0 ]; do
  case $1 in
    --dir) dir=${2:?}; shift 2 ;;
    --version) version=${2:?}; shift 2 ;;
    *) echo "usage: scripts/check-packages.sh --dir DIR --version X.Y.Z" >&2; exit 2 ;;
  esac
done
[ -n "$dir" ] && [ -n "$version" ] || { echo "usage: scripts/check-packages.sh --dir DIR --version X.Y.Z" >&2; exit 2; }
dir=$(cd "$dir" && pwd)
deb=pgsafe_${version}_amd64.deb
tarball=pgsafe-${version}-linux-x86_64.tar.gz
work=$(mktemp -d "${TMPDIR:-/tmp}/pgsafe-package-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- checksums: exactly the two artifacts, and they match --------------------------------------
[ -f "$dir/SHA256SUMS" ] || fail "$dir/SHA256SUMS is missing"
listed=$(awk '{print $2}' "$dir/SHA256SUMS" | sed 's/^\*//' | LC_ALL=C sort | tr '\n' ' ')
expected=$(printf '%s\n' "$deb" "$tarball" | LC_ALL=C sort | tr '\n' ' ')
[ "$listed" = "$expected" ] || fail "SHA256SUMS lists '$listed', expected '$expected'"
(cd "$dir" && sha256sum --check --strict --quiet SHA256SUMS) || fail "sha256sum -c SHA256SUMS"

# --- the .deb: control fields -------------------------------------------------------------------
dpkg-deb --info "$dir/$deb" > "$work/info" || fail "dpkg-deb --info $deb"
field() { dpkg-deb --field "$dir/$deb" "$1"; }
[ "$(field Package)" = pgsafe ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', expected $version"
[ "$(field Architecture)" = amd64 ] || fail "Architecture is '$(field Architecture)'"
[ "$(field Section)" = database ] || fail "Section is '$(field Section)'"
[ "$(field Priority)" = optional ] || fail "Priority is '$(field Priority)'"
[ "$(field Homepage)" = https://github.com/pgsafe/pgsafe ] || fail "Homepage is '$(field Homepage)'"
[[ $(field Maintainer) =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]] || fail "Maintainer '$(field Maintainer)' is not 'Name <email>'"
[[ $(field Installed-Size) =~ ^[0-9]+$ ]] || fail "Installed-Size is '$(field Installed-Size)'"
depends=$(field Depends)
for dep in libpq5 libc6; do
  grep -qE "(^|, )$dep( \(|,|$)" <<<"$depends" || fail "Depends ('$depends') lacks $dep"
done
# A dependency on a -dev package or on a library the applier does not link would be wrong.
grep -qE -- '-dev\b' <<<"$depends" && fail "Depends names a -dev package: $depends"
description=$(field Description)
[ "$(head -1 <<<"$description")" != "" ] && [ "$(wc -l <<<"$description")" -ge 3 ] \
  || fail "Description needs a synopsis and a long description"

# --- the .deb: exactly these files, owned by root, with these modes -------------------------------
dpkg-deb --contents "$dir/$deb" > "$work/contents" || fail "dpkg-deb --contents $deb"
awk '$1 !~ /^d/ {print $1, $2, $6}' "$work/contents" | LC_ALL=C sort > "$work/files"
cat > "$work/files.expected" <<'EOF'
-rw-r--r-- root/root ./usr/share/doc/pgsafe/README.md
-rw-r--r-- root/root ./usr/share/doc/pgsafe/changelog.gz
-rw-r--r-- root/root ./usr/share/doc/pgsafe/copyright
-rwxr-xr-x root/root ./usr/bin/pgsafe
-rwxr-xr-x root/root ./usr/bin/pgsafe-apply
EOF
LC_ALL=C sort -o "$work/files.expected" "$work/files.expected"
diff -u "$work/files.expected" "$work/files" >&2 || fail "the .deb's files differ from the expected list (above)"
awk '$1 ~ /^d/ && $1 != "drwxr-xr-x" {bad=1} END {exit bad}' "$work/contents" || fail "a directory in the .deb is not 0755"

# --- the .deb unpacked as dpkg would: the binaries run from it ----------------------------------
dpkg-deb -x "$dir/$deb" "$work/deb" || fail "dpkg-deb -x $deb"
doc=$work/deb/usr/share/doc/pgsafe
cmp -s "$doc/README.md" "$root/README.md" || fail "the .deb's README.md is not the repository's"
gzip -t "$doc/changelog.gz" || fail "changelog.gz is not gzip"
zcat "$doc/changelog.gz" | head -1 | grep -qF "pgsafe ($version)" || fail "changelog.gz does not start with 'pgsafe ($version)'"
grep -qF "Upstream-Name: pgsafe" "$doc/copyright" || fail "copyright has no Upstream-Name"
grep -qiF "no license has been declared yet" "$doc/copyright" || fail "copyright does not say that no license is declared"

check_binaries() {  # check_binaries BINDIR WHERE
  local bin=$1 where=$2 out
  # Fully static: no program interpreter, no dynamic section, and the loader agrees.
  readelf -lW "$bin/pgsafe" | grep -q INTERP && fail "$where pgsafe asks for a program interpreter"
  readelf -dW "$bin/pgsafe" | grep -q 'There is no dynamic section' || fail "$where pgsafe has a dynamic section"
  out=$(ldd "$bin/pgsafe" 2>&1 || true)   # ldd exits 1 on a static executable; its words are checked
  grep -q 'not a dynamic executable' <<<"$out" || fail "ldd on $where pgsafe says: $out"
  readelf -dW "$bin/pgsafe-apply" | grep -q 'NEEDED.*\[libpq\.so\.5\]' || fail "$where pgsafe-apply does not link libpq.so.5"
  for b in pgsafe pgsafe-apply; do
    readelf -SW "$bin/$b" | grep -qE '\.(debug_[a-z]+|symtab) ' && fail "$where $b is not stripped"
    out=$("$bin/$b" --version) || fail "$where $b --version exited $?"
    grep -qE "^pgsafe ${version//./\\.} \(PostgreSQL [0-9.]+ grammar\)$" <<<"$out" \
      || fail "$where $b --version printed '$out'"
  done
  # The linter hands `status` to the pgsafe-apply beside it (an empty PATH: only the folder counts).
  out=$(env PATH=/nonexistent "$bin/pgsafe" status --help) || fail "$where pgsafe status --help (handed to pgsafe-apply) exited $?"
  grep -q -- '--exit-code' <<<"$out" || fail "$where pgsafe status --help did not show pgsafe-apply's options"
  # The linter's own work: the repository's example set (migrations/, what scripts/demo.sh lints)
  # has errors, so exit 1 and the rules named; examples/saas has only infos, so exit 0.
  local code=0
  (cd "$root" && "$bin/pgsafe" lint --color never --no-cache --format concise migrations) > "$work/lint.out" 2> "$work/lint.err" || code=$?
  [ "$code" = 1 ] || { cat "$work/lint.out" "$work/lint.err" >&2; fail "$where pgsafe lint migrations exited $code, expected 1 (findings)"; }
  for rule in ban-drop-column table-without-rls unindexed-foreign-key ban-delete-without-where; do
    grep -qE "^migrations/[0-9]{14}_[a-z_]+\.sql:[0-9]+:[0-9]+: (error|warning)\[$rule\]" "$work/lint.out" \
      || { cat "$work/lint.out" >&2; fail "$where pgsafe lint migrations did not report $rule"; }
  done
  code=0
  (cd "$root" && "$bin/pgsafe" lint --color never --no-cache examples/saas/migrations) > "$work/lint.out" 2> "$work/lint.err" || code=$?
  [ "$code" = 0 ] || { cat "$work/lint.out" "$work/lint.err" >&2; fail "$where pgsafe lint examples/saas/migrations exited $code, expected 0 (infos only)"; }
  grep -q 'info\[prefer-text-field\]' "$work/lint.out" || { cat "$work/lint.out" >&2; fail "$where pgsafe lint examples/saas/migrations reported no prefer-text-field"; }
}
check_binaries "$work/deb/usr/bin" "the .deb's"

# --- the tarball --------------------------------------------------------------------------------
top=pgsafe-$version
tar -tzvf "$dir/$tarball" > "$work/tar-list" || fail "tar -tzf $tarball"
awk '{print $NF}' "$work/tar-list" | LC_ALL=C sort > "$work/tar-names"
printf '%s\n' "$top/" "$top/INSTALL" "$top/README.md" "$top/bin/" "$top/bin/pgsafe" "$top/bin/pgsafe-apply" \
  "$top/copyright" | LC_ALL=C sort > "$work/tar-names.expected"
diff -u "$work/tar-names.expected" "$work/tar-names" >&2 || fail "the tarball's files differ from the expected list (above)"
awk '$2 != "0/0" {bad=1} END {exit bad}' "$work/tar-list" || fail "the tarball's files are not owned by 0/0"
mkdir "$work/tar"
tar -xzf "$dir/$tarball" -C "$work/tar" || fail "tar -xzf $tarball"
grep -qF libpq5 "$work/tar/$top/INSTALL" || fail "INSTALL does not say that pgsafe-apply needs libpq5"
grep -q '@VERSION@' "$work/tar/$top/INSTALL" && fail "INSTALL still has @VERSION@ placeholders"
for b in pgsafe pgsafe-apply; do
  cmp -s "$work/tar/$top/bin/$b" "$work/deb/usr/bin/$b" || fail "the tarball's $b differs from the .deb's"
done
check_binaries "$work/tar/$top/bin" "the tarball's"

echo "pgsafe package check: $deb, $tarball and SHA256SUMS in $dir are sound" >&2
