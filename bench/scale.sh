#!/usr/bin/env bash
# Scale cases: time and peak memory of `pgsafe lint` on generated sets of one shape each, at
# three sizes that double, so growth per doubling shows whether a cost is linear (about 2x) or
# quadratic (about 4x). Separate from bench/run.sh (the corpus against the bare parse).
#
# Usage: bench/scale.sh [BUILD_DIR] [SHAPE...]      (default: build, every shape)
#   SHAPE: files suppressions file-ignores indexes big big-findings (see bench/scale_gen.py)
#   SCALE=0.25 bench/scale.sh ...    divides every size by 4 (quick runs)
#   RUNS=3 ...                       best of 3 runs by CPU time (default 1)
#   PGSAFE=/path/to/pgsafe ...       another binary (e.g. an older build, for before/after)
# Inputs are generated under a temporary folder and removed afterwards; nothing is committed.
# Prints, per size: CPU seconds (user+sys), wall seconds, peak RSS, and the growth of CPU and
# RSS against the size before. For the single large files (big, big-findings) it also prints
# peak RSS over file size (the goal for `big`: under 10x).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
[ $# -gt 0 ] && shift
pgsafe=${PGSAFE:-$build/cli/pgsafe}
[ -x "$pgsafe" ] || { echo "build first: cmake --build $build --target pgsafe" >&2; exit 2; }
pgsafe=$(realpath "$pgsafe")  # the runs are made from inside the generated set
command -v python3 >/dev/null || { echo "python3 is needed to generate the inputs" >&2; exit 2; }
runs=${RUNS:-1}
scale=${SCALE:-1}
shapes=("$@")
[ ${#shapes[@]} -gt 0 ] || shapes=(files suppressions file-ignores indexes big big-findings)

# Sizes per shape: counts of files, ignores, indexes; MiB for the large files.
sizes_for() {
  case $1 in
    files) echo 25000 50000 100000 ;;
    suppressions | file-ignores | indexes) echo 5000 10000 20000 ;;
    big | big-findings) echo 4 8 16 ;;
    *) echo "unknown shape $1" >&2; exit 2 ;;
  esac
}

work=$(mktemp -d "${TMPDIR:-/tmp}/pgsafe-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT
tfile=$work/time

echo "pgsafe: $pgsafe; best of $runs run(s); $(nproc) cores; sizes x$scale"
for shape in "${shapes[@]}"; do
  prev_cpu="" prev_rss=""
  for size in $(sizes_for "$shape"); do
    n=$(awk -v s="$size" -v k="$scale" 'BEGIN{v=int(s*k); print v<1?1:v}')
    rm -rf "$work/set"
    python3 "$here/bench/scale_gen.py" "$shape" "$n" "$work/set"
    best_cpu="" best_line=""
    for _ in $(seq "$runs"); do
      rc=0
      (cd "$work/set" && /usr/bin/time -f "%U %S %e %M" -o "$tfile" "$pgsafe" lint -j 1 --format json --exit-zero migrations >/dev/null 2>"$work/err") || rc=$?
      # --exit-zero: anything but 0 is pgsafe failing (an input error, a crash), not findings.
      [ "$rc" = 0 ] || { echo "$shape $n: pgsafe exited $rc:" >&2; tail -5 "$work/err" >&2; exit 1; }
      read -r u s e m < <(tail -1 "$tfile")
      cpu=$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')
      if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN{exit !(a<b)}'; then
        best_cpu=$cpu; best_line="$cpu $e $m"
      fi
    done
    read -r cpu wall rss <<<"$best_line"
    line=$(printf "%-13s %8s  cpu %8.2fs  wall %8.2fs  peak %8.1f MiB" "$shape" "$n" "$cpu" "$wall" "$(awk -v k="$rss" 'BEGIN{print k/1024}')")
    if [ -n "$prev_cpu" ]; then
      line+=$(awk -v a="$cpu" -v b="$prev_cpu" -v r="$rss" -v q="$prev_rss" \
        'BEGIN{printf "  x%.1f cpu, x%.1f rss per doubling", (b>0?a/b:0), (q>0?r/q:0)}')
    fi
    if [ "$shape" = big ] || [ "$shape" = big-findings ]; then
      bytes=$(stat -c %s "$work"/set/migrations/*.sql)
      line+=$(awk -v r="$rss" -v b="$bytes" 'BEGIN{printf "  peak/size %.1fx", r*1024/b}')
    fi
    echo "$line"
    prev_cpu=$cpu prev_rss=$rss
  done
done
