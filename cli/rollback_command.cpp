// `pgsafe rollback-plan`: how to reverse one migration, as a new migration (fix forward). No
// database is needed and nothing is run.
#include <filesystem>
#include <iostream>

#include "analyzer/history.h"
#include "analyzer/rollback.h"
#include "cli/catalog_commands.h"
#include "cli/commands.h"

namespace fs = std::filesystem;

namespace pgsafe::cli {

bool discover_for_catalog(std::vector<std::string> paths, const std::optional<std::string>& migrations_dir,
                          const std::optional<std::string>& layout, MigrationSet& set, std::ostream& err);

CLI::App* add_rollback_command(CLI::App& app, RollbackArgs& args) {
  auto* cmd = app.add_subcommand("rollback-plan",
                                 "How to reverse a failed or harmful migration: the fix-forward migration, what cannot "
                                 "be undone, and the down file (nothing is run)");
  cmd->add_option("migration", args.target, "The migration: its file, or its version")->required();
  cmd->add_option("--dir", args.dir, "Migrations folder (default: migrations_dir, supabase/migrations, migrations, ...)");
  cmd->add_option("--format,-f", args.format, "text, json, or sql (the fix-forward migration alone)")->capture_default_str();
  cmd->add_option("--layout", args.layout, "Migration layout: auto, timestamp, prisma, diesel, golang-migrate, flyway, drizzle");
  return cmd;
}

int run_rollback(const RollbackArgs& args, std::ostream& out, std::ostream& err) {
  if (args.format != "text" && args.format != "json" && args.format != "sql") {
    err << "pgsafe: error: unknown --format '" << args.format << "' (text, json, sql)\n";
    return exit_code::kUsage;
  }
  std::error_code ec;
  bool is_file = fs::is_regular_file(args.target, ec);
  std::optional<std::string> dir = args.dir;
  if (!dir && is_file) dir = own_migrations_dir(args.target, Layout::Auto);
  if (!dir) dir = find_known_migrations_dir();
  std::vector<std::string> paths;
  if (dir) paths.push_back(*dir);
  MigrationSet set;
  if (!discover_for_catalog(paths, std::nullopt, args.layout, set, err)) return exit_code::kUsage;
  std::optional<size_t> target;
  for (size_t i = 0; i < set.files.size(); ++i) {
    const auto& f = set.files[i];
    if (f.direction == Direction::Down) continue;
    bool same_file = is_file && fs::equivalent(f.path, args.target, ec);
    if (same_file || (!is_file && !f.version.empty() && f.version == args.target)) target = i;
  }
  if (!target) {
    err << "pgsafe: error: " << args.target << ": no up migration " << (is_file ? "file" : "with this version") << " in "
        << (dir ? *dir : std::string("the migrations folder")) << "\n";
    return exit_code::kUsage;
  }
  RollbackPlan plan = rollback_plan(set, *target);
  for (const auto& e : plan.errors) err << "pgsafe: error: " << e << "\n";
  if (args.format == "json") {
    out << rollback_json(plan).dump(2) << "\n";
  } else if (args.format == "sql") {
    out << rollback_sql(plan);
  } else {
    out << "Reversing " << plan.path << (plan.version.empty() ? "" : " (version " + plan.version + ")")
        << ": pgsafe never rolls back by itself; review this, then apply it as a new migration.\n";
    if (plan.forward.empty()) out << "\nFix forward: no statement to reverse.\n";
    else out << "\nFix forward, a new migration that reverses it:\n";
    int n = 0;
    for (const auto& s : plan.forward) {
      out << "  " << ++n << ". " << s.sql << (s.outside_transaction ? "   (outside a transaction: its own file)" : "") << "\n";
      if (!s.note.empty()) out << "     " << s.note << "\n";
    }
    if (!plan.irreversible.empty()) {
      out << "\nCannot be undone by a migration:\n";
      for (const auto& i : plan.irreversible) out << "  - " << i << "\n";
    }
    if (!plan.review.empty()) {
      out << "\nReview by hand:\n";
      for (const auto& r : plan.review) out << "  - " << r << "\n";
    }
    if (!plan.down_path.empty())
      out << "\nDown file: " << plan.down_path << " (the layout's own reversal; compare it with the steps above)\n";
    out << "\nNext: `pgsafe rollback-plan " << args.target << " --format sql` writes the fix-forward migration; save it as "
        << "the next migration, lint it, and apply it like any other.\n";
  }
  return plan.errors.empty() ? exit_code::kOk : exit_code::kUsage;
}

}  // namespace pgsafe::cli
