#pragma once
// Helpers shared by the test binaries: run the real pgsafe binary, lint in-memory files, paths.
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/engine.h"

namespace pgsafe::test {

std::string source_dir();                 // the repository root
std::optional<std::string> shared_dir();  // ../shared beside the repository, when present
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);
// A fresh empty directory under the system temp dir, removed at exit.
std::string temp_dir(const std::string& hint);

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Run the pgsafe binary with args (no shell), optional stdin, in cwd (default: repo root).
ProcessResult run_pgsafe(const std::vector<std::string>& args, const std::string& stdin_data = "",
                         const std::string& cwd = "");
// Sets (or, with nullopt, unsets) an environment variable for one scope: the test binary's
// children inherit it otherwise.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(const char* n, const std::optional<std::string>& value) : name(n) {
    if (const char* o = std::getenv(n)) old = o;
    if (value) setenv(n, value->c_str(), 1);
    else unsetenv(n);
  }
  ~ScopedEnv() {
    if (old) setenv(name.c_str(), old->c_str(), 1);
    else unsetenv(name.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
};

ProcessResult run_command(const std::vector<std::string>& argv, const std::string& stdin_data = "",
                          const std::string& cwd = "", int timeout_seconds = 600);

// git in dir with a fixed identity, no signing and `main` as the first branch; throws (a test
// failure naming git's message) when git fails.
ProcessResult git(const std::string& dir, std::vector<std::string> args);

// Lint files given as (path, contents) in memory with the given options.
LintResult lint_memory(const std::vector<std::pair<std::string, std::string>>& files, LintOptions opts);

// Options that run only these rules (opt-in ones included), on one thread.
LintOptions only(std::vector<std::string> rules);

// One line per diagnostic, colourless and stable: what fixture goldens hold.
std::string golden_lines(const LintResult& r);

}  // namespace pgsafe::test
