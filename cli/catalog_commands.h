#pragma once
// `pgsafe plan` and `pgsafe schema`: the catalog's view of a migration set. Options are declared
// here, in one place, so a later `plan --db` variant extends PlanArgs instead of main().
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

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

CLI::App* add_plan_command(CLI::App& app, PlanArgs& args);
CLI::App* add_schema_command(CLI::App& app, SchemaArgs& args);
int run_plan(const PlanArgs& args, std::ostream& out, std::ostream& err);
int run_schema(const SchemaArgs& args, std::ostream& out, std::ostream& err);
CLI::App* add_rollback_command(CLI::App& app, RollbackArgs& args);
int run_rollback(const RollbackArgs& args, std::ostream& out, std::ostream& err);

}  // namespace pgsafe::cli
