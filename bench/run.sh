#!/usr/bin/env bash
# Lint speed and memory, side by side with squawk (npm squawk-cli, pinned in bench/package.json)
# and with a bare libpg_query parse of the same files. Figures are medians of RUNS runs (default
# 5); nothing here is asserted, it is measured and printed.
#
# Usage: bench/run.sh [BUILD_DIR] [CORPUS_DIR]   (defaults: build, ../shared/corpus)
#   RUNS=9 bench/run.sh ...       more runs per figure
#   NO_SQUAWK=1 bench/run.sh ...  pgsafe and the bare parse only (no npm needed)
#
# Workloads (the goals of issue 9 in brackets):
#   corpus       every project of the corpus linted as its own set, JSON output, one process per
#                project as CI would run it [wall <= 0.7x squawk's; CPU <= 1.5x the bare parse;
#                peak memory <= squawk's]
#   one file     `pgsafe lint f.sql` on one small migration, nothing else [wall <= squawk's]
#   new file     one new migration with its whole history (--migrations-dir, the pre-commit and
#                editor case) [wall <= 1.5x squawk's one-file time]
#   corpus x10   the corpus copied ten times, as one run [peak memory < 2x the corpus's]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
corpus=${2:-$here/../shared/corpus}
pgsafe=$(realpath "$build/cli/pgsafe" 2>/dev/null || true)
bare=$(realpath "$build/bench/pgsafe_bare_parse" 2>/dev/null || true)
[ -x "$pgsafe" ] && [ -x "$bare" ] || { echo "build first: cmake --build $build --target pgsafe pgsafe_bare_parse" >&2; exit 2; }
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
corpus=$(realpath "$corpus")
runs=${RUNS:-5}

squawk=""
if [ "${NO_SQUAWK:-0}" != 1 ]; then
  if [ ! -x "$here/bench/node_modules/.bin/squawk" ]; then
    echo "installing squawk for the comparison (npm ci in bench/)" >&2
    (cd "$here/bench" && npm ci --no-audit --no-fund >/dev/null)
  fi
  # The native binary the npm package carries, not its Node.js launcher (which adds ~60 ms of
  # Node start-up to every run).
  squawk=$(find "$here/bench/node_modules/@squawk-cli" -path '*/bin/squawk' -type f | head -1)
  [ -x "$squawk" ] || squawk=$here/bench/node_modules/.bin/squawk
  echo "squawk: $("$squawk" --version)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pgsafe-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
tfile=$work/time

# measure KEY CMD...: wall time (median) and CPU time (user + sys, mean) of $runs runs after one
# warm-up, by hyperfine without a shell; peak RSS (KiB) from one more run under /usr/bin/time.
# Sets KEY_wall, KEY_cpu (seconds) and KEY_rss. The exit code is ignored (findings are exit 1);
# a crash is not: a signal or an exit code above 3 stops the bench.
measure() {
  local key=$1; shift
  local rc=0 e u s m
  /usr/bin/time -f "%e %U %S %M" -o "$tfile" "$@" >/dev/null 2>"$work/err" || rc=$?
  if [ "$rc" -gt 3 ]; then echo "bench: '$(echo "$*" | cut -c1-200)' failed (exit $rc):" >&2; tail -5 "$work/err" >&2; exit 1; fi
  read -r e u s m < <(tail -1 "$tfile")
  printf -v "${key}_rss" '%s' "$m"
  hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$work/h.json" "$(printf '%q ' "$@")" >/dev/null 2>"$work/err" ||
    { echo "bench: hyperfine failed on '$(echo "$*" | cut -c1-200)':" >&2; tail -5 "$work/err" >&2; exit 1; }
  read -r e u < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(r["median"], r["user"] + r["system"])' "$work/h.json")
  printf -v "${key}_wall" '%s' "$e"
  printf -v "${key}_cpu" '%s' "$u"
}
# sum KEY PARTS...: KEY_wall/_cpu = sums of the parts', KEY_rss = the largest part's.
sum() {
  local key=$1; shift
  local w=0 c=0 r=0 p
  for p in "$@"; do
    local pw=${p}_wall pc=${p}_cpu pr=${p}_rss
    w=$(awk -v a="$w" -v b="${!pw}" 'BEGIN{print a+b}')
    c=$(awk -v a="$c" -v b="${!pc}" 'BEGIN{print a+b}')
    r=$(awk -v a="$r" -v b="${!pr}" 'BEGIN{print (b>a?b:a)}')
  done
  printf -v "${key}_wall" '%s' "$w"; printf -v "${key}_cpu" '%s' "$c"; printf -v "${key}_rss" '%s' "$r"
}
ms() { awk -v s="$1" 'BEGIN{printf (s < 1 ? "%.1f ms" : "%.2f s"), (s < 1 ? s*1000 : s)}'; }
mib() { awk -v k="$1" 'BEGIN{printf "%.1f MiB", k/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2fx", a/b; else printf "-" }'; }
row() {  # row LABEL PGSAFE_KEY SQUAWK_KEY FIELD
  local label=$1 p=$2 s=$3 f=$4 pv sv
  local pk=${p}_$f sk=${s}_$f
  pv=${!pk}; sv=${!sk:-}
  if [ "$f" = rss ]; then
    printf '| %s | %s | %s | %s |\n' "$label" "$(mib "$pv")" "${sv:+$(mib "$sv")}" "${sv:+$(ratio "$pv" "$sv")}"
  else
    printf '| %s | %s | %s | %s |\n' "$label" "$(ms "$pv")" "${sv:+$(ms "$sv")}" "${sv:+$(ratio "$pv" "$sv")}"
  fi
}

projects=()
for d in "$corpus"/*/; do
  [ -n "$(find "$d" -name '*.sql' -print -quit)" ] && projects+=("$(basename "$d")")
done
files=$(find "$corpus" -name '*.sql' | wc -l)
echo "corpus: $corpus (${#projects[@]} projects: ${projects[*]}; $files .sql files, $(du -sh "$corpus" | cut -f1)); medians of $runs runs; $(nproc) cores"

# 1. The corpus, each project as its own set.
keys_p=() keys_s=() keys_b=()
for p in "${projects[@]}"; do
  k=${p//[^a-zA-Z0-9]/_}
  measure "pg_$k" "$pgsafe" lint --format json --exit-zero "$corpus/$p"
  measure "bare_$k" "$bare" "$corpus/$p"
  keys_p+=("pg_$k"); keys_b+=("bare_$k")
  if [ -n "$squawk" ]; then
    # squawk takes the files as arguments (xargs would split them into several runs). Files it
    # crashes on (a panic, exit 101) would end its run: they are left out of its list, and said.
    list=() crashed=0
    while IFS= read -r f; do
      rc=0; "$squawk" --reporter json "$f" >/dev/null 2>&1 || rc=$?
      if [ "$rc" -gt 3 ]; then crashed=$((crashed + 1)); else list+=("$f"); fi
    done < <(find "$corpus/$p" -name '*.sql' | sort)
    [ "$crashed" = 0 ] || echo "squawk crashes on $crashed of the $p files (exit > 3): left out of its run" >&2
    measure "sq_$k" "$squawk" --reporter json "${list[@]}"
    keys_s+=("sq_$k")
  fi
done
sum corpus_pg "${keys_p[@]}"
sum corpus_bare "${keys_b[@]}"
[ -n "$squawk" ] && sum corpus_sq "${keys_s[@]}"
measure corpus_pg1 "$pgsafe" lint -j 1 --format json --exit-zero "${projects[@]/#/$corpus/}"

# 2. One small migration alone, outside any project (no history to find).
mkdir -p "$work/one"
one=$work/one/20240101000000_add_email.sql
printf 'ALTER TABLE users ADD COLUMN email text;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n' > "$one"
cd "$work/one"
measure one_pg "$pgsafe" lint --format json --exit-zero "$one"
[ -n "$squawk" ] && measure one_sq "$squawk" --reporter json "$one"
measure version_pg "$pgsafe" --version
cd "$here"

# 3. One new file with its whole history: the last migration of the largest project.
largest=""; largest_n=0
for p in "${projects[@]}"; do
  n=$(find "$corpus/$p" -name '*.sql' | wc -l)
  [ "$n" -gt "$largest_n" ] && { largest=$p; largest_n=$n; }
done
# A copy of the project: pgsafe keeps its history cache beside it (.pgsafe/cache), and the
# corpus is not ours to write in.
mkdir -p "$work/new"
cp -r "$corpus/$largest" "$work/new/"
newest=$(find "$work/new/$largest" -name 'up.sql' | sort | tail -1)
[ -n "$newest" ] || newest=$(find "$work/new/$largest" -name '*.sql' | sort | tail -1)
measure new_pg "$pgsafe" lint --format json --exit-zero --migrations-dir "$work/new/$largest" "$newest"
measure new_pg_nocache "$pgsafe" lint --format json --exit-zero --no-cache --migrations-dir "$work/new/$largest" "$newest"
[ -n "$squawk" ] && measure new_sq "$squawk" --reporter json "$newest"

# 4. Memory as the set grows: the corpus ten times over, as one run.
for i in $(seq 10); do mkdir -p "$work/x10/copy$i" && cp -r "$corpus"/. "$work/x10/copy$i/"; done
measure x10_pg "$pgsafe" lint --format json --exit-zero "$work/x10"
measure x1_pg "$pgsafe" lint --format json --exit-zero "$corpus"
rm -rf "$work/x10"

echo
echo "| workload | pgsafe | squawk | ratio |"
echo "|---|---|---|---|"
row "corpus ($files files, ${#projects[@]} sets), JSON, wall" corpus_pg corpus_sq wall
row "corpus, CPU" corpus_pg corpus_sq cpu
row "corpus, peak memory" corpus_pg corpus_sq rss
row "one file (\`pgsafe lint f.sql\`), wall" one_pg one_sq wall
row "one new file with its ${largest_n}-file history, wall" new_pg one_sq wall
row "the same, --no-cache, wall" new_pg_nocache one_sq wall
[ -n "$squawk" ] && row "squawk on that file alone, wall" new_sq one_sq wall
echo
echo "pgsafe --version: $(ms "$version_pg_wall") wall"
echo "corpus CPU / bare parse CPU: $(ratio "$corpus_pg_cpu" "$corpus_bare_cpu") (goal <= 1.5x; bare parse $(ms "$corpus_bare_cpu"))"
echo "corpus in one run: -j1 wall $(ms "$corpus_pg1_wall"), default jobs wall $(ms "$x1_pg_wall"): $(ratio "$corpus_pg1_wall" "$x1_pg_wall") from more cores"
echo "peak memory, corpus x10 / corpus: $(ratio "$x10_pg_rss" "$x1_pg_rss") (goal < 2x; $(mib "$x10_pg_rss") / $(mib "$x1_pg_rss"))"
if [ -n "$squawk" ]; then
  echo
  echo "goals: corpus wall $(ratio "$corpus_pg_wall" "$corpus_sq_wall") of squawk's (<= 0.7x); corpus memory $(ratio "$corpus_pg_rss" "$corpus_sq_rss") (<= 1x);" \
       "one file $(ratio "$one_pg_wall" "$one_sq_wall") (<= 1x); new file with history $(ratio "$new_pg_wall" "$one_sq_wall") of squawk's one file (<= 1.5x)"
fi
