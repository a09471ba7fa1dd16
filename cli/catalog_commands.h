#pragma once
// `pgsafe plan` and `pgsafe schema`: the catalog's view of a migration set. Options are declared
// here, in one place, so a later `plan --db` variant extends PlanArgs instead of main().
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <ctime>
#include <map>

namespace pgsafe::cli {

struct PlanArgs {
  std::vector<std::string> paths;
  std::string format = "text";
  std::optional<std::string> migrations_dir;
  std::optional<std::string> layout;
  // With --db: the pending files against a live database (the applier's plan and plan hash).
  std::optional<std::string> db;
  std::optional<std::string> dir;
  std::optional<std::string> env;
  std::optional<std::string> config;
  std::string history_schema = "pgsafe";
  bool allow_drift = false;
  std::optional<std::string> summary_file;  // with --db: append the markdown summary (plan and hash) here
};

struct SchemaArgs {
  std::vector<std::string> paths;
  std::string format = "json";
  std::optional<std::string> layout;
};

struct RollbackArgs {
  std::string target;                  // a migration file, or its version
  std::optional<std::string> dir;      // the migrations folder (default: migrations_dir, known folders)
  std::string format = "text";         // text, json or sql (the fix-forward migration alone)
  std::optional<std::string> layout;
};

// `pgsafe new` and `pgsafe patterns` (cli/new_command.cpp).
struct NewArgs {
  std::string description;
  std::optional<std::string> pattern, dir, layout, config;
  std::optional<int> pg_version;
  bool dry_run = false;
  std::map<std::string, std::optional<std::string>> pattern_options;  // every pattern's options, by name
  std::optional<std::time_t> now;  // tests: the clock
};
struct PatternsArgs {
  std::string action = "list";
  std::string name;
  std::string out = "docs/patterns";
  bool check = false;
};
CLI::App* add_new_command(CLI::App& app, NewArgs& args);
CLI::App* add_patterns_command(CLI::App& app, PatternsArgs& args);
int run_new(const NewArgs& args, std::ostream& out, std::ostream& err);
int run_patterns(const PatternsArgs& args, std::ostream& out, std::ostream& err);

// `pgsafe init` (cli/init_command.cpp).
struct InitArgs {
  std::optional<std::string> ci, dir, branch;
  bool force = false;
  bool dry_run = false;
};
CLI::App* add_init_command(CLI::App& app, InitArgs& args);
int run_init(const InitArgs& args, std::ostream& out, std::ostream& err);

CLI::App* add_plan_command(CLI::App& app, PlanArgs& args);
CLI::App* add_schema_command(CLI::App& app, SchemaArgs& args);
int run_plan(const PlanArgs& args, std::ostream& out, std::ostream& err);
int run_schema(const SchemaArgs& args, std::ostream& out, std::ostream& err);
CLI::App* add_rollback_command(CLI::App& app, RollbackArgs& args);
int run_rollback(const RollbackArgs& args, std::ostream& out, std::ostream& err);

}  // namespace pgsafe::cli
