#include <filesystem>
#include <iostream>

#include "analyzer/config.h"
#include "analyzer/plan.h"
#include "cli/catalog_commands.h"
#include "cli/commands.h"

namespace pgsafe::cli {

CLI::App* add_plan_command(CLI::App& app, PlanArgs& args) {
  auto* cmd = app.add_subcommand("plan", "Show what each migration creates, alters, drops and which locks it takes (no database)");
  cmd->add_option("paths", args.paths, "Migration files or directories (default: migrations_dir)");
  cmd->add_option("--format,-f", args.format, "text or json")->capture_default_str();
  cmd->add_option("--migrations-dir", args.migrations_dir, "Earlier migrations to replay as history (not shown)");
  cmd->add_option("--layout", args.layout, "Migration layout: auto, timestamp, prisma, diesel, golang-migrate, flyway, drizzle");
  cmd->add_option("--db", args.db, "Plan against this database: pending files, statements and the plan hash for `apply --approve`. "
                  "--db "" (empty) uses $DATABASE_URL, then PG* variables (the URL stays off the command line)");
  cmd->add_option("--dir", args.dir, "With --db: the migrations folder (default: migrations_dir, supabase/migrations, migrations)");
  cmd->add_option("--env", args.env, "With --db: the environment the approval is for (the plan and its hash do not depend on it)");
  cmd->add_option("--config", args.config, "With --db: config file (default: nearest .pgsafe.toml)");
  cmd->add_option("--history-schema", args.history_schema, "With --db: schema of pgsafe's history tables")->capture_default_str();
  cmd->add_flag("--allow-drift", args.allow_drift,
                "With --db: plan although the database differs from the applied migrations (as apply --allow-drift)");
  cmd->add_option("--summary-file", args.summary_file,
                  "With --db: append a markdown summary (the plan, its hash, the command that approves it) to FILE, "
                  "e.g. $GITHUB_STEP_SUMMARY");
  return cmd;
}

// Shared by plan and schema: the set the paths (or the configured migrations folder) name.
bool discover_for_catalog(std::vector<std::string> paths, const std::optional<std::string>& migrations_dir,
                          const std::optional<std::string>& layout, MigrationSet& set, std::ostream& err) {
  Config cfg;
  std::vector<ConfigError> cerrors;
  if (auto found = find_config(std::filesystem::current_path())) load_config(*found, cfg, cerrors);
  DiscoverOptions d;
  d.layout = cfg.layout;
  if (layout) {
    auto l = parse_layout(*layout);
    if (!l) {
      err << "pgsafe: error: unknown --layout '" << *layout << "'\n";
      return false;
    }
    d.layout = *l;
  }
  d.migrations_dir = migrations_dir;
  if (paths.empty()) {
    if (!cfg.migrations_dir) {
      err << "pgsafe: error: no paths given and no migrations_dir in .pgsafe.toml\n";
      return false;
    }
    paths.push_back(*cfg.migrations_dir);
  }
  std::vector<InputError> errors;
  set = discover(paths, d, errors);
  for (const auto& e : errors) err << "pgsafe: error: " << e.file << ": " << e.message << "\n";
  return errors.empty();
}

int run_plan(const PlanArgs& args, std::ostream& out, std::ostream& err) {
  if (args.format != "text" && args.format != "json") {
    err << "pgsafe: error: unknown --format '" << args.format << "' (text, json)\n";
    return exit_code::kUsage;
  }
  MigrationSet set;
  if (!discover_for_catalog(args.paths, args.migrations_dir, args.layout, set, err)) return exit_code::kUsage;
  Plan plan = build_plan(set);
  if (args.format == "json") out << plan_to_json(plan).dump(2) << "\n";
  else write_plan_text(out, plan);
  for (const auto& e : plan.errors) err << "pgsafe: error: " << e.file << ": " << e.message << "\n";
  return plan.errors.empty() ? exit_code::kOk : exit_code::kUsage;
}

}  // namespace pgsafe::cli
