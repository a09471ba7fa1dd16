#pragma once
// Subcommands as functions: options in, exit code out. main() only wires them to CLI11.
#include <iosfwd>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pgsafe::cli {

namespace exit_code {
inline constexpr int kOk = 0;
inline constexpr int kFindings = 1;
inline constexpr int kUsage = 2;   // usage, config, I/O or internal error
inline constexpr int kNewWriteFailed = 3;  // `pgsafe new`, `pgsafe init`: the files could not be written (none is left behind)
}  // namespace exit_code

struct LintArgs {
  std::vector<std::string> paths;
  std::string format = "text";
  // --report FORMAT=PATH (repeatable): more reports from the same run, each written to its file.
  std::vector<std::string> reports;
  // --link-base URL: markdown links a finding's file:line to <URL>/<repository path>#L<line>.
  std::optional<std::string> link_base;
  std::optional<std::string> config;
  std::vector<std::string> select, ignore;
  std::string fail_on = "warning";
  bool exit_zero = false;
  std::optional<int> pg_version;
  std::optional<bool> assume_in_transaction;
  std::optional<std::string> migrations_dir;
  std::optional<std::string> stdin_filename;
  std::optional<std::string> layout;
  std::string color = "auto";
  bool sarif_include_suppressed = false;
  bool quiet = false;
  int jobs = 0;
  bool fix = false;            // rewrite files with the findings' fixes
  bool unsafe_fixes = false;   // include fixes not marked safe
  bool diff = false;           // print the fixes as a unified diff, write nothing
  bool fix_force = false;      // with --fix: also rewrite links, hard-linked and read-only files
  std::optional<std::string> baseline;        // hide the findings this baseline file records
  std::optional<std::string> write_baseline;  // record the findings in this file instead of reporting
  bool staged = false;         // read from the git index (also when GIT_INDEX_FILE says a hook runs)
  bool no_cache = false;       // neither read nor write the history cache
  bool fix_applied = false;    // --fix may also rewrite files that may already be applied
  // --db (pgsafe-apply only): the migrations this database has applied are history, not linted.
  std::optional<std::string> db;
  std::string history_schema = "pgsafe";
  // Filled by the applier build from --db before run_lint: versions applied in that database.
  std::optional<std::set<std::string>> applied_versions;
  std::string applied_database;  // its name, for messages
};

int run_lint(const LintArgs& args, std::istream& in, std::ostream& out, std::ostream& err);
int run_rules(const std::string& format, std::ostream& out, std::ostream& err);
int run_explain(const std::string& id, std::ostream& out, std::ostream& err);
// Write docs/rules/<id>.md and the index; with check, report files that would change instead.
int run_docs(const std::string& dir, bool check, std::ostream& out, std::ostream& err);

// "a,b" and repeated flags both allowed: split and trim.
std::vector<std::string> split_list(const std::vector<std::string>& items);

}  // namespace pgsafe::cli
