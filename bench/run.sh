#!/usr/bin/env bash
# Lint speed and memory against the bare libpg_query parse of the same files.
# Usage: bench/run.sh [BUILD_DIR] [CORPUS_DIR]   (defaults: build, ../shared/corpus)
# Prints CPU seconds (user+sys), wall seconds and peak RSS for:
#   bare parse; pgsafe lint -j1; pgsafe lint -j2; pgsafe lint on the corpus copied 4x (memory must stay flat).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
corpus=${2:-$here/../shared/corpus}
pgsafe=$build/cli/pgsafe
bare=$build/bench/pgsafe_bare_parse
[ -x "$pgsafe" ] && [ -x "$bare" ] || { echo "build first: cmake --build $build --target pgsafe pgsafe_bare_parse" >&2; exit 2; }
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
runs=${RUNS:-5}

# measure NAME CMD...: best of $runs by CPU time; prints cpu, wall, maxrss
measure() {
  local name=$1; shift
  local best_cpu="" best_line=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%U %S %e %M" -o "$tfile" "$@" >/dev/null 2>&1 || true
    read -r u s e m < <(tail -1 "$tfile")
    local cpu
    cpu=$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.3f", u+s}')
    if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN{exit !(a<b)}'; then
      best_cpu=$cpu; best_line="$cpu $e $m"
    fi
  done
  read -r cpu wall rss <<<"$best_line"
  printf "%-34s cpu %7.3fs  wall %7.3fs  peak %7.1f MiB\n" "$name" "$cpu" "$wall" "$(awk -v k="$rss" 'BEGIN{print k/1024}')"
  eval "${name//[^a-zA-Z0-9]/_}_cpu=$cpu"
  eval "${name//[^a-zA-Z0-9]/_}_wall=$wall"
  eval "${name//[^a-zA-Z0-9]/_}_rss=$rss"
}

tfile=$(mktemp)

files=$(find "$corpus" -name '*.sql' | wc -l)
size=$(du -sh "$corpus" | cut -f1)
echo "corpus: $corpus ($files .sql files, $size), best of $runs runs, $(nproc) cores"

measure "bare parse" "$bare" "$corpus"
measure "pgsafe lint -j1" "$pgsafe" lint -j 1 --format json --exit-zero "$corpus"
measure "pgsafe lint -j2" "$pgsafe" lint -j 2 --format json --exit-zero "$corpus"

big=$(mktemp -d)
trap 'rm -rf "$big" "$tfile"' EXIT
for i in 1 2 3 4; do mkdir -p "$big/copy$i" && cp -r "$corpus"/. "$big/copy$i/"; done
measure "pgsafe lint -j2 (corpus x4)" "$pgsafe" lint -j 2 --format json --exit-zero "$big"
# The same two sets with one rule: what the pipeline itself holds, without the output.
measure "pgsafe lint -j2 one rule" "$pgsafe" lint -j 2 --select syntax-error --format json --exit-zero "$corpus"
measure "pgsafe lint -j2 one rule (x4)" "$pgsafe" lint -j 2 --select syntax-error --format json --exit-zero "$big"

echo
awk -v l="$pgsafe_lint__j1_cpu" -v b="$bare_parse_cpu" 'BEGIN{printf "lint CPU / bare parse CPU: %.2fx (target <= 1.5x)\n", l/b}'
awk -v a="$pgsafe_lint__j1_wall" -v b="$pgsafe_lint__j2_wall" 'BEGIN{printf "wall -j1 / -j2: %.2fx (falls with cores when > 1)\n", a/b}'
awk -v a="$pgsafe_lint__j2_rss" -v b="$pgsafe_lint__j2__corpus_x4__rss" 'BEGIN{printf "peak RSS corpus x4 / corpus, all rules: %.2fx (grows with the findings reported)\n", b/a}'
awk -v a="$pgsafe_lint__j2_one_rule_rss" -v b="$pgsafe_lint__j2_one_rule__x4__rss" 'BEGIN{printf "peak RSS corpus x4 / corpus, one rule: %.2fx (the pipeline: flat when close to 1)\n", b/a}'
