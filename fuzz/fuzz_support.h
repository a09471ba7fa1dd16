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

// Called from LLVMFuzzerInitialize: makes a fresh empty folder under $TMPDIR the working
// directory (so no .pgsafe.toml, git work tree or migrations folder of the machine is found, and
// paths are relative as in a project), removed at exit. libFuzzer reads its arguments after this
// returns, so the paths among them (inputs, corpus folders, -dict=, -artifact_prefix=, ...) are
// made absolute first, and failing inputs are still written to the folder it was started in.
void enter_work_dir(int* argc, char*** argv);
// That folder (absolute).
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

// For LLVMFuzzerInitialize: lints stdin_text with args and aborts unless it exits 0 or 1 with
// each format, so a harness whose every input would be refused (exit 2) never runs unnoticed.
void expect_lints(const cli::LintArgs& args, std::string_view stdin_text);

}  // namespace pgsafe::fuzz
