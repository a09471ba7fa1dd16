// `pgsafe new` (the next migration file, optionally from a schema pattern) and `pgsafe patterns`
// (list, show, docs).
#include <filesystem>
#include <iostream>
#include <set>

#include "analyzer/config.h"
#include "analyzer/new_migration.h"
#include "analyzer/patterns.h"
#include "analyzer/plan.h"
#include "analyzer/suggest.h"
#include "cli/catalog_commands.h"
#include "cli/commands.h"
#include "cli/generated_pages.h"

namespace fs = std::filesystem;

namespace pgsafe::cli {
namespace {

// Conventional migration folders, most specific first.
constexpr const char* kConventionalDirs[] = {"supabase/migrations", "prisma/migrations", "db/migrations",
                                             "src/main/resources/db/migration", "db/migration", "migrations", "drizzle"};

std::vector<std::string> pattern_names() {
  std::vector<std::string> names;
  for (const auto& p : patterns::all_patterns()) names.push_back(p.name);
  return names;
}

std::set<std::string> all_option_names() {
  std::set<std::string> names;
  for (const auto& p : patterns::all_patterns())
    for (const auto& o : p.options) names.insert(o.name);
  return names;
}

}  // namespace

CLI::App* add_new_command(CLI::App& app, NewArgs& args) {
  auto* cmd = app.add_subcommand("new", "Create the next migration file, optionally from a schema pattern");
  cmd->add_option("description", args.description, "What the migration does: names the file and its -- intent: line")
      ->required();
  cmd->add_option("--pattern,-p", args.pattern, "Fill the migration in from a schema pattern (see `pgsafe patterns`)");
  cmd->add_option("--dir", args.dir, "The migrations folder (default: migrations_dir, else a conventional folder)");
  cmd->add_option("--layout", args.layout,
                  "Migration layout: auto, timestamp, prisma, diesel, golang-migrate, flyway, drizzle");
  cmd->add_option("--config,-c", args.config, "Config file (default: nearest .pgsafe.toml)");
  cmd->add_option("--pg-version", args.pg_version, "Target PostgreSQL major version, 13 to 18 (default: the config's, else 17)");
  cmd->add_flag("--dry-run", args.dry_run, "Print the files instead of writing them");
  for (const auto& name : all_option_names()) {
    std::string used_by;
    for (const auto& p : patterns::all_patterns())
      if (p.option(name)) used_by += (used_by.empty() ? "" : ", ") + p.name;
    auto* opt = cmd->add_option("--" + name, args.pattern_options[name], "For " + used_by + " (`pgsafe patterns show NAME`)");
    opt->group("Pattern options");
  }
  cmd->footer(
      "Examples:\n"
      "  pgsafe new \"add invoice due date\"\n"
      "  pgsafe new \"create projects\" --pattern table --table projects\n"
      "  pgsafe new \"orders belong to customers\" --pattern foreign-key --table orders --references customers\n"
      "Prints the path of each file it creates, in the order they apply.");
  return cmd;
}

CLI::App* add_patterns_command(CLI::App& app, PatternsArgs& args) {
  auto* cmd = app.add_subcommand("patterns", "List the schema patterns `pgsafe new --pattern` writes; show one");
  cmd->add_option("action", args.action, "list (default), show NAME, or docs")->capture_default_str();
  cmd->add_option("name", args.name, "With show: the pattern");
  cmd->add_option("--out", args.out, "With docs: output folder")->capture_default_str();
  cmd->add_flag("--check", args.check, "With docs: exit 1 if a page is out of date instead of writing");
  return cmd;
}

int run_patterns(const PatternsArgs& args, std::ostream& out, std::ostream& err) {
  if (args.action == "list") {
    size_t width = 0;
    for (const auto& p : patterns::all_patterns()) width = std::max(width, p.name.size());
    for (const auto& p : patterns::all_patterns())
      out << p.name << std::string(width + 2 - p.name.size(), ' ') << p.summary << "\n";
    out << "\nShow one with `pgsafe patterns show NAME`; use one with `pgsafe new <description> --pattern NAME`.\n";
    return exit_code::kOk;
  }
  if (args.action == "show") {
    const auto* p = patterns::find_pattern(args.name);
    if (!p) {
      err << "pgsafe: error: unknown pattern '" << args.name << "'" << did_you_mean(args.name, pattern_names())
          << " (see `pgsafe patterns`)\n";
      return exit_code::kUsage;
    }
    out << patterns::pattern_doc(*p);
    return exit_code::kOk;
  }
  if (args.action == "docs") {
    GeneratedPages g{{{"README.md", patterns::patterns_index_doc()}}, "pgsafe patterns docs", "pattern"};
    for (const auto& p : patterns::all_patterns()) g.pages.emplace_back(p.name + ".md", patterns::pattern_doc(p));
    return write_generated_pages(g, args.out, args.check, out, err);
  }
  err << "pgsafe: error: unknown action '" << args.action << "' (list, show NAME, docs)\n";
  return exit_code::kUsage;
}

int run_new(const NewArgs& args, std::ostream& out, std::ostream& err) {
  if (args.description.find_first_of("\r\n") != std::string::npos) {
    err << "pgsafe: error: the description must be one line\n";
    return exit_code::kUsage;
  }
  const patterns::PatternDef* pattern = nullptr;
  if (args.pattern) {
    pattern = patterns::find_pattern(*args.pattern);
    if (!pattern) {
      err << "pgsafe: error: unknown pattern '" << *args.pattern << "'" << did_you_mean(*args.pattern, pattern_names())
          << " (see `pgsafe patterns`)\n";
      return exit_code::kUsage;
    }
  }
  std::map<std::string, std::string> given;
  for (const auto& [name, value] : args.pattern_options)
    if (value) given[name] = *value;
  if (!pattern && !given.empty()) {
    err << "pgsafe: error: --" << given.begin()->first << " is a pattern option: give --pattern too\n";
    return exit_code::kUsage;
  }

  Config cfg;
  std::vector<ConfigError> cerrors;
  std::optional<fs::path> cfg_path = args.config ? std::optional<fs::path>(*args.config) : find_config(fs::current_path());
  if (cfg_path && !load_config(*cfg_path, cfg, cerrors)) {
    for (const auto& e : cerrors)
      err << "pgsafe: error: " << e.file << (e.line ? ":" + std::to_string(e.line) + ":" + std::to_string(e.column) : "")
          << ": " << e.message << "\n";
    return exit_code::kUsage;
  }
  if (args.pg_version) {
    if (*args.pg_version < 13 || *args.pg_version > 18) {
      err << "pgsafe: error: --pg-version " << *args.pg_version << " is not supported (13 to 18)\n";
      return exit_code::kUsage;
    }
    cfg.settings.pg_version = *args.pg_version;
  }

  std::string dir;
  if (args.dir) dir = *args.dir;
  else if (cfg.migrations_dir) dir = *cfg.migrations_dir;
  else {
    std::error_code ec;
    for (const char* d : kConventionalDirs)
      if (fs::is_directory(d, ec)) {
        dir = d;
        break;
      }
  }
  if (dir.empty()) {
    err << "pgsafe: error: no migrations folder: give --dir, or set migrations_dir in .pgsafe.toml (none of "
           "supabase/migrations, prisma/migrations, db/migrations, migrations, ... exists here)\n";
    return exit_code::kUsage;
  }
  std::error_code ec;
  // Shown (and written) relative to the working folder when it is inside it.
  if (fs::path(dir).is_absolute()) {
    fs::path rel = fs::path(dir).lexically_relative(fs::current_path(ec));
    if (!rel.empty() && *rel.begin() != "..") dir = rel.generic_string();
  }
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    err << "pgsafe: error: " << dir << ": not a folder\n";
    return exit_code::kUsage;
  }

  // The set as it stands: versions to follow, and the schema the pattern is filled in from.
  MigrationSet set;
  std::map<std::string, std::string> texts;
  Layout layout = cfg.layout;
  if (args.layout) {
    auto l = parse_layout(*args.layout);
    if (!l) {
      err << "pgsafe: error: unknown --layout '" << *args.layout << "'\n";
      return exit_code::kUsage;
    }
    layout = *l;
  }
  if (fs::is_directory(dir, ec)) {
    DiscoverOptions d;
    d.layout = layout;
    std::vector<InputError> derrors;
    set = discover({dir}, d, derrors);
    for (const auto& e : derrors)
      if (e.message.find("no .sql") == std::string::npos && e.message.find("no migration") == std::string::npos)
        err << "pgsafe: warning: " << e.file << ": " << e.message << "\n";
  }
  if (layout == Layout::Auto) layout = layout_for_folder(dir, set.files);

  NewMigrationRequest req;
  req.description = args.description;
  req.dir = dir;
  req.layout = layout;
  req.existing = set.files;
  req.now = args.now ? *args.now : std::time(nullptr);
  // Each file is read once: the texts serve the dbmate check, the project facts and the replay.
  // Every file is history to the replay: only the catalog is wanted, not a plan of each file.
  for (auto& f : set.files) {
    std::string bytes, why;
    if (read_migration_file(f.path, cfg.max_file_size, bytes, why)) {
      if (bytes.find("-- migrate:up") != std::string::npos) req.dbmate = true;
      f.contents = bytes;
      texts[f.path] = std::move(bytes);
    }
    f.history_only = true;
  }
  if (pattern) {
    Plan plan = build_plan(set, cfg.max_file_size);
    // A file that does not parse leaves its changes out of the schema the pattern reads: said,
    // so "no such column" is not a mystery.
    for (const auto& e : plan.syntax_errors)
      err << "pgsafe: warning: " << e.file << ":" << e.line << ":" << e.column << ": " << e.message
          << " (pgsafe reads the schema without this statement)\n";
    for (const auto& e : plan.errors)
      err << "pgsafe: warning: " << e.file << (e.line ? ":" + std::to_string(e.line) + ":" + std::to_string(e.column) : "")
          << ": " << e.message << " (the schema pgsafe fills the pattern in from may miss what this file does)\n";
    patterns::ProjectFacts facts = patterns::observe_project(set, texts, plan.catalog, cfg.settings);
    patterns::RenderResult r = patterns::render_pattern(*pattern, given, plan.catalog, facts);
    if (!r.errors.empty()) {
      for (const auto& e : r.errors) err << "pgsafe: error: " << e << "\n";
      err << "pgsafe: nothing written (`pgsafe patterns show " << pattern->name << "` lists its options)\n";
      return exit_code::kUsage;
    }
    req.steps = std::move(r.steps);
    req.pattern = pattern->name;
  }
  NewMigrationPlan plan = plan_new_migration(req);
  if (!plan.errors.empty()) {
    for (const auto& e : plan.errors) err << "pgsafe: error: " << e << "\n";
    return exit_code::kUsage;
  }
  for (const auto& n : plan.notes) err << "pgsafe: note: " << n << "\n";
  if (args.dry_run) {
    for (const auto& f : plan.files) out << "==> " << f.path << " <==\n" << f.content << "\n";
    if (!plan.journal_path.empty()) out << "==> " << plan.journal_path << " (updated) <==\n" << plan.journal_content;
    return exit_code::kOk;
  }
  std::string error;
  if (!write_new_migration(plan, error)) {
    err << "pgsafe: error: " << error << "; nothing written\n";
    return exit_code::kNewWriteFailed;
  }
  for (const auto& f : plan.files) out << f.path << "\n";
  if (!plan.journal_path.empty()) err << "pgsafe: added to " << plan.journal_path << "\n";
  return exit_code::kOk;
}

}  // namespace pgsafe::cli
