#pragma once
// What both fuzz targets share: a private working directory, and one run of `pgsafe lint`
// through the CLI's own entry point (cli::run_lint) with output checks.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"

namespace pgsafe::fuzz {

// A fresh empty folder under $TMPDIR, made the working directory (so no .pgsafe.toml, git work
// tree or migrations folder of the machine is found), and removed at exit. Returns its path.
const std::string& work_dir();

// The output formats (and --diff, which applies every fix in memory and prints a diff) that one
// input is linted with. By default one per input, chosen from a hash of the input, so every
// reporter is fuzzed while an execution costs one lint; PGSAFE_FUZZ_ALL_FORMATS=1 (the regression
// run) lints each input once per format and checks that the exit code never depends on it.
std::vector<std::string> formats_for(const uint8_t* data, size_t size);

// run_lint with args (format set by the caller) and stdin text; aborts on an exit code other
// than 0, 1 or 2, and on JSON or SARIF output that is not valid JSON. Returns the exit code.
int lint_checked(const cli::LintArgs& args, std::string_view stdin_text);

// Lint with every format formats_for() picks; aborts when their exit codes differ.
void lint_all_formats(cli::LintArgs args, std::string_view stdin_text, const uint8_t* data, size_t size);

}  // namespace pgsafe::fuzz
