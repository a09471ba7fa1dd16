// libFuzzer target: one migration file, linted the way `pgsafe lint --stdin-filename NAME -` does
// (cli::run_lint, default configuration, every rule that is on by default), with each reporter
// in turn (see fuzz_support.h). The input is the file's bytes, unchanged.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "fuzz/fuzz_support.h"

namespace {

pgsafe::cli::LintArgs file_args() {
  pgsafe::cli::LintArgs args;
  args.paths = {"-"};
  // A Supabase path: the RLS, grant and view checks run, as they do for most users. Its folder
  // exists and is empty: the file's history, replayed before it, is nothing.
  args.stdin_filename = "supabase/migrations/20240101000000_fuzz.sql";
  args.jobs = 1;
  args.quiet = true;
  args.color = "never";
  return args;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  pgsafe::fuzz::enter_work_dir(argc, argv);
  std::filesystem::create_directories("supabase/migrations");
  // A plain migration must lint (exit 0 or 1): exit 2 would mean every input is refused before
  // it is read, and the fuzzing would prove nothing.
  pgsafe::fuzz::expect_lints(file_args(), "CREATE TABLE t (id bigint PRIMARY KEY);\nDROP TABLE t;\n");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  pgsafe::fuzz::lint_all_formats(file_args(), text, data, size);
  return 0;
}
