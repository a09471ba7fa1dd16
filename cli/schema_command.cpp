#include <iostream>

#include "analyzer/plan.h"
#include "analyzer/schema_dump.h"
#include "cli/catalog_commands.h"
#include "cli/commands.h"

namespace pgsafe::cli {

bool discover_for_catalog(std::vector<std::string> paths, const std::optional<std::string>& migrations_dir,
                          const std::optional<std::string>& layout, MigrationSet& set, std::ostream& err);

CLI::App* add_schema_command(CLI::App& app, SchemaArgs& args) {
  auto* cmd = app.add_subcommand("schema", "Print the schema the migrations build, as pgsafe's catalog knows it");
  cmd->add_option("paths", args.paths, "Migration files or directories (default: migrations_dir)");
  cmd->add_option("--format,-f", args.format, "json or sql")->capture_default_str();
  cmd->add_option("--layout", args.layout, "Migration layout: auto, timestamp, prisma, diesel, golang-migrate, flyway, drizzle");
  return cmd;
}

int run_schema(const SchemaArgs& args, std::ostream& out, std::ostream& err) {
  if (args.format != "json" && args.format != "sql") {
    err << "pgsafe: error: unknown --format '" << args.format << "' (json, sql)\n";
    return exit_code::kUsage;
  }
  MigrationSet set;
  if (!discover_for_catalog(args.paths, std::nullopt, args.layout, set, err)) return exit_code::kUsage;
  Plan plan = build_plan(set);  // replaying is the same work; the per-file part is ignored
  if (args.format == "json") out << schema_to_json(plan.catalog).dump(2) << "\n";
  else write_schema_sql(out, plan.catalog);
  for (const auto& e : plan.errors) err << "pgsafe: error: " << e.file << ": " << e.message << "\n";
  return plan.errors.empty() ? exit_code::kOk : exit_code::kUsage;
}

}  // namespace pgsafe::cli
