#!/usr/bin/env bash
# Assembles the seed corpora from the fixtures (nothing is committed twice):
#   OUT/file/  every testdata/**/*.sql, and the regression inputs of fuzz/regressions/file/
#   OUT/set/   each testdata/sets/<name>/ folder as one set input (its files in name order joined
#              by the "--@" separator lines fuzz_set.cpp reads, "--@down" before a down file, which
#              follows its up file), the
#              regression inputs of fuzz/regressions/set/, and a few fixtures paired up
# Usage: fuzz/make_corpus.sh OUT
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1
rm -rf "$out/file" "$out/set"
mkdir -p "$out/file" "$out/set"

# File seeds: named after their path, so a crash on a seed says which fixture it was.
while IFS= read -r -d '' f; do
  rel=${f#"$root"/testdata/}
  cp "$f" "$out/file/${rel//\//__}"
done < <(find "$root/testdata" -name '*.sql' -type f -print0)
cp "$root"/fuzz/regressions/file/* "$out/file/"

# Set seeds.
for d in "$root"/testdata/sets/*/; do
  name=$(basename "$d")
  seed="$out/set/$name.sql"
  : > "$seed"
  first=1
  while IFS= read -r f; do
    base=$(basename "$f")
    if [ "$first" = 1 ]; then
      first=0
    elif [[ "$base" == *down.sql ]]; then
      echo "--@down" >> "$seed"
    else
      echo "--@" >> "$seed"
    fi
    cat "$f" >> "$seed"
    # A file without a final newline would glue the separator to its last line.
    [ -n "$(tail -c1 "$f")" ] && echo >> "$seed"
  done < <(find "$d" -name '*.sql' -type f | sed 's/down\.sql$/~down.sql/' | LC_ALL=C sort | sed 's/~down\.sql$/down.sql/')
  if [ -f "$d/.pgsafe.toml" ]; then
    { echo "--@config"; cat "$d/.pgsafe.toml"; } >> "$seed"
  fi
done
cp "$root"/fuzz/regressions/set/* "$out/set/"
# Fixtures of rules that look across files, paired: each bad fixture after a good one of its rule.
for r in "$root"/testdata/rules/*/; do
  good=$(find "$r" -maxdepth 1 -name 'good_*.sql' | sort | head -1)
  bad=$(find "$r" -maxdepth 1 -name 'bad_*.sql' | sort | head -1)
  [ -n "$good" ] && [ -n "$bad" ] || continue
  { cat "$good"; echo; echo "--@"; cat "$bad"; } > "$out/set/pair_$(basename "$r").sql"
done
echo "pgsafe: seed corpus: $(ls "$out/file" | wc -l) file inputs, $(ls "$out/set" | wc -l) set inputs in $out" >&2
