#!/usr/bin/env bash
# The sanitizer and fuzzing stage of CI (scripts/test.sh runs it after the normal test suite).
#
# One clang build directory (build-asan) with AddressSanitizer + UndefinedBehaviorSanitizer
# (UBSan does not recover: undefined behaviour aborts) and libFuzzer's coverage instrumentation
# holds both the sanitized test binaries and the fuzz targets. Then:
#   1. the whole test suite (ctest: the lint tests and the applier tests) runs on the sanitized
#      binaries; tests that run `pgsafe` run the sanitized one;
#   2. each fuzz target runs its regression inputs (fuzz/regressions/) and the seed corpus with
#      every output format, then fuzzes for PGSAFE_FUZZ_SECONDS (default 60) seconds, the targets
#      side by side. Any crash, sanitizer report, leak, uncaught exception, input slower than
#      1 second or output check failure fails the stage; the input is printed (base64) so it can
#      be reproduced from the CI log (see docs/fuzzing.md).
#
# Usage: scripts/sanitize.sh [--no-tests] [--no-fuzz] [--no-build]
# Environment: ASAN_BUILD_DIR (default build-asan), PGSAFE_FUZZ_SECONDS (default 60),
#              PGSAFE_FUZZ_RSS_MB (default 2048), PGSAFE_FUZZ_TARGETS (default "file set").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

run_tests=1 run_fuzz=1 build=1
for a in "$@"; do
  case $a in
    --no-tests) run_tests=0 ;;
    --no-fuzz) run_fuzz=0 ;;
    --no-build) build=0 ;;
    *) echo "usage: scripts/sanitize.sh [--no-tests] [--no-fuzz] [--no-build]" >&2; exit 2 ;;
  esac
done

dir=${ASAN_BUILD_DIR:-build-asan}
seconds=${PGSAFE_FUZZ_SECONDS:-60}
rss_mb=${PGSAFE_FUZZ_RSS_MB:-2048}
targets=(${PGSAFE_FUZZ_TARGETS:-file set})
jobs=$(nproc 2>/dev/null || echo 2)

step_start=$SECONDS
step() {  # prints the time the previous step took, then the next step's title
  local now=$SECONDS
  [ -n "${step_name:-}" ] && echo "pgsafe sanitize: ${step_name} took $((now - step_start)) s" >&2
  step_name=$1
  step_start=$now
  [ -n "$1" ] && echo "pgsafe sanitize: $1" >&2
  return 0
}

# The sanitizers' run-time settings, for every sanitized process (children of the tests too).
# The LSan suppressions name the one known leak, inside libpg_query (see fuzz/lsan.supp).
export ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=0:allocator_may_return_null=0:print_summary=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:print_summary=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$root/fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
symbolizer=$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH=$symbolizer UBSAN_SYMBOLIZER_PATH=$symbolizer

if [ "$build" = 1 ]; then
  step "configure $dir (clang, ASan + UBSan + libFuzzer)"
  # clang 16: clang 14 (Debian 12's default) rejects C++20 that pgsafe uses (lambdas capturing
  # structured bindings).
  cc=$(command -v clang-16 || command -v clang)
  cxx=$(command -v clang++-16 || command -v clang++)
  generator=()
  command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
  # Without NDEBUG, so assertions are checked too; -O1 keeps the build and the run reasonably fast.
  # The generated protobuf code is compiled without instrumentation (cmake/Sanitizers.cmake).
  cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only" "-DCMAKE_C_FLAGS_DEBUG=-O1 -gline-tables-only" \
    -DPGSAFE_FUZZ=ON -DPGSAFE_BUILD_TESTS=ON >/dev/null
  build_targets=()
  # pgsafe-apply too: pgsafe hands the applier's commands to the (sanitized) one beside it.
  [ "$run_tests" = 1 ] && build_targets+=(pgsafe pgsafe-apply pgsafe_tests)
  [ "$run_tests" = 1 ] && compgen -G 'tests/applier/*_test.cpp' >/dev/null && build_targets+=(pgsafe_applier_tests)
  [ "$run_fuzz" = 1 ] && for t in "${targets[@]}"; do build_targets+=("pgsafe_fuzz_$t"); done
  step "build ${build_targets[*]}"
  cmake --build "$dir" -j "$jobs" --target "${build_targets[@]}"
fi

if [ "$run_tests" = 1 ]; then
  step "test suite under ASan + UBSan"
  (cd "$dir" && ctest --output-on-failure --timeout 1500)
fi

if [ "$run_fuzz" = 1 ]; then
  step "fuzz inputs: dictionary, seed corpus"
  work=$dir/fuzz-run
  rm -rf "$work"
  mkdir -p "$work/artifacts"
  fuzz/make_dict.sh "$work/pgsafe.dict"
  fuzz/make_corpus.sh "$work/seeds"

  # How a failed run is shown: libFuzzer's report is in the log; the input, as base64.
  show_artifacts() {
    local t=$1 f
    for f in "$work/artifacts/$t"-*; do
      [ -f "$f" ] || continue
      echo "pgsafe fuzz: $t: failing input $(basename "$f"), $(stat -c %s "$f") bytes; base64 (decode with base64 -d):" >&2
      head -c 65536 "$f" | base64 -w 100 >&2
    done
  }
  common=(-rss_limit_mb="$rss_mb")
  failed=0

  step "fuzz regression: fuzz/regressions and the seeds, every format"
  for t in "${targets[@]}"; do
    bin=$dir/fuzz/pgsafe_fuzz_$t
    # Each input is linted once per output format here, so the limit is per format: 1 s each.
    if ! PGSAFE_FUZZ_ALL_FORMATS=1 "$bin" "${common[@]}" -timeout=6 -artifact_prefix="$work/artifacts/$t-" \
         fuzz/regressions/"$t"/* "$work/seeds/$t"/* > "$work/$t-regression.log" 2>&1; then
      echo "pgsafe fuzz: $t: a regression or seed input failed:" >&2
      tail -n 80 "$work/$t-regression.log" >&2
      show_artifacts "$t"
      failed=1
    else
      echo "pgsafe fuzz: $t: $(ls fuzz/regressions/"$t" "$work/seeds/$t" | grep -c '\.sql$') inputs pass with every format" >&2
    fi
  done
  [ "$failed" = 0 ] || exit 1

  step "fuzzing ${targets[*]} for ${seconds} s each, side by side"
  pids=()
  for t in "${targets[@]}"; do
    mkdir -p "$work/corpus/$t"
    # New inputs go to the first folder; the seeds are read from the second. Seeds over the
    # length limit (the large regression inputs) are run above, and truncated here.
    "$dir/fuzz/pgsafe_fuzz_$t" "$work/corpus/$t" "$work/seeds/$t" "${common[@]}" \
      -dict="$work/pgsafe.dict" -max_total_time="$seconds" -timeout=1 -max_len=16384 \
      -print_final_stats=1 -artifact_prefix="$work/artifacts/$t-" > "$work/$t-fuzz.log" 2>&1 &
    pids+=($!)
  done
  for i in "${!targets[@]}"; do
    t=${targets[$i]}
    if wait "${pids[$i]}"; then
      stats=$(grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|slowest_unit_time_sec|peak_rss_mb)' "$work/$t-fuzz.log" |
              sed 's/^stat:://' | tr '\n' ' ')
      cov=$(grep -E '^#[0-9]+.*DONE' "$work/$t-fuzz.log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+' || true)
      echo "pgsafe fuzz: $t: ok: ${stats}${cov:+($cov)}" >&2
    else
      echo "pgsafe fuzz: $t: FAILED (exit $?); the end of libFuzzer's log:" >&2
      tail -n 120 "$work/$t-fuzz.log" >&2
      show_artifacts "$t"
      failed=1
    fi
  done
  [ "$failed" = 0 ] || exit 1
fi
step ""
echo "pgsafe sanitize: done in $SECONDS s" >&2
