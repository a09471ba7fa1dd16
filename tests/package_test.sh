#!/usr/bin/env bash
# The release's artifacts, proven on this build's binaries (registered in tests/CMakeLists.txt):
#   1. the static linter (pgsafe-static-check: pgsafe's objects linked with -static) is fully
#      static and does exactly what pgsafe does: same stdout, stderr and exit code, byte for byte,
#      on the example migrations in every output format and on the other read-only commands;
#   2. it runs the applier's commands through a pgsafe-apply beside it, and git (exec) for --staged;
#   3. scripts/make-packages.sh packs it with pgsafe-apply into the .deb, the tarball and
#      SHA256SUMS, and scripts/check-packages.sh checks those as a user gets them (control
#      fields, Depends with libpq5, file list, the binaries running from the unpacked .deb).
# Usage: tests/package_test.sh STATIC_PGSAFE PGSAFE PGSAFE_APPLY VERSION   (from the repository root)
set -euo pipefail
[ $# = 4 ] || { echo "usage: tests/package_test.sh STATIC_PGSAFE PGSAFE PGSAFE_APPLY VERSION" >&2; exit 2; }
static=$(realpath "$1") pgsafe=$(realpath "$2") apply=$(realpath "$3") version=$4
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fail() { echo "package test: FAILED: $*" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pgsafe-package-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
t0=$SECONDS

# --- 1. fully static ----------------------------------------------------------------------------
readelf -lW "$static" | grep -q INTERP && fail "$static asks for a program interpreter (not static)"
readelf -dW "$static" | grep -q 'There is no dynamic section' || fail "$static has a dynamic section (not static)"
ldd_out=$(ldd "$static" 2>&1 || true)   # ldd exits 1 on a static executable; its words are checked
grep -q 'not a dynamic executable' <<<"$ldd_out" || fail "ldd $static: $ldd_out"

# --- 1. the same behaviour as pgsafe, byte for byte -----------------------------------------------
same() {  # same ARGS...: both binaries, same stdout, stderr and exit code
  local a b
  a=0; "$pgsafe" "$@" > "$work/dyn.out" 2> "$work/dyn.err" || a=$?
  b=0; "$static" "$@" > "$work/st.out" 2> "$work/st.err" || b=$?
  [ "$a" = "$b" ] || fail "pgsafe $* exited $a, the static linter $b"
  cmp -s "$work/dyn.out" "$work/st.out" || { diff "$work/dyn.out" "$work/st.out" | head -20 >&2; fail "pgsafe $*: stdout differs"; }
  cmp -s "$work/dyn.err" "$work/st.err" || { diff "$work/dyn.err" "$work/st.err" | head -20 >&2; fail "pgsafe $*: stderr differs"; }
  [ -s "$work/dyn.out" ] || [ -s "$work/dyn.err" ] || fail "pgsafe $* printed nothing: the comparison proves nothing"
  last_code=$a
}
for format in text concise json sarif github markdown gitlab; do
  same lint --no-cache --color never --format "$format" migrations
  [ "$last_code" = 1 ] || fail "lint --format $format migrations exited $last_code, expected 1 (findings)"
done
same lint --no-cache --color never -j 1 examples/saas/migrations
same lint --no-cache --color never --format json examples/
same lint --no-cache --color never --format concise 'migrations/2024*.sql'   # glob(), static glibc's
[ "$last_code" = 1 ] || fail "lint of a quoted pattern exited $last_code, expected 1"
same --version
same rules
same explain ban-drop-column
same plan migrations
same schema --format sql migrations
same lint --no-cache --select no-such-rule examples/saas/migrations   # a usage error: exit 2
[ "$last_code" = 2 ] || fail "an unknown rule exited $last_code, expected 2"

# --- 2. exec: the applier beside it, and git ------------------------------------------------------
mkdir "$work/bin"
cp "$static" "$work/bin/pgsafe"
ln -s "$apply" "$work/bin/pgsafe-apply"
out=$(env PATH=/nonexistent "$work/bin/pgsafe" status --help) || fail "the static pgsafe could not hand status to pgsafe-apply"
grep -q -- '--exit-code' <<<"$out" || fail "status --help via the static pgsafe is not pgsafe-apply's"
code=0; env PATH=/nonexistent "$work/bin/pgsafe" status --db 'postgresql://u:secret@127.0.0.1:1/x?connect_timeout=2' \
  > /dev/null 2> "$work/status.err" || code=$?
[ "$code" = 5 ] || fail "status against a closed port via the static pgsafe exited $code, expected 5 (pgsafe-apply's connection failure)"
if command -v git > /dev/null; then
  repo=$work/repo
  mkdir -p "$repo/migrations"
  git -C "$repo" init -q
  printf 'CREATE TABLE t (id bigint PRIMARY KEY);\n' > "$repo/migrations/20260101000000_t.sql"
  printf 'ALTER TABLE t DROP COLUMN id;\n' > "$repo/migrations/20260102000000_drop.sql"
  git -C "$repo" add migrations
  code=0; (cd "$repo" && "$static" lint --no-cache --staged --format concise) > "$work/staged.out" 2>&1 || code=$?
  [ "$code" = 1 ] || { cat "$work/staged.out" >&2; fail "lint --staged (git via exec) exited $code, expected 1"; }
  grep -q 'ban-drop-column' "$work/staged.out" || { cat "$work/staged.out" >&2; fail "lint --staged did not find the staged DROP COLUMN"; }
fi
t1=$SECONDS

# --- 3. the artifacts -----------------------------------------------------------------------------
SOURCE_DATE_EPOCH=1767225600 scripts/make-packages.sh --pgsafe "$static" --pgsafe-apply "$apply" \
  --version "$version" --out "$work/dist"
scripts/check-packages.sh --dir "$work/dist" --version "$version"
# make-packages refuses a linter that is not static: the release cannot ship a dynamic one.
if scripts/make-packages.sh --pgsafe "$pgsafe" --pgsafe-apply "$apply" --version "$version" \
     --out "$work/refused" 2> "$work/refused.err"; then
  readelf -lW "$pgsafe" | grep -q INTERP && fail "make-packages.sh packed a dynamic pgsafe"
else
  grep -q 'not a static executable' "$work/refused.err" || { cat "$work/refused.err" >&2; fail "make-packages.sh failed for another reason"; }
fi
echo "package test: static linter checks $((t1 - t0)) s, packing and package checks $((SECONDS - t1)) s" >&2
