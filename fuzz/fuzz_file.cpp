// libFuzzer target: one migration file, linted the way `pgsafe lint --stdin-filename NAME -` does
// (cli::run_lint, default configuration, every rule that is on by default), with each reporter
// in turn (see fuzz_support.h). The input is the file's bytes, unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pgsafe::fuzz::work_dir();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pgsafe::cli::LintArgs args;
  args.paths = {"-"};
  // A Supabase path: the RLS, grant and view checks run, as they do for most users.
  args.stdin_filename = "supabase/migrations/20240101000000_fuzz.sql";
  args.jobs = 1;
  args.quiet = true;
  args.color = "never";
  std::string_view text(reinterpret_cast<const char*>(data), size);
  pgsafe::fuzz::lint_all_formats(args, text, data, size);
  return 0;
}
