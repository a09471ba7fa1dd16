#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <iostream>
#include <sstream>

#include "analyzer/engine.h"
#include "analyzer/fix.h"
#include "analyzer/registry.h"
#include "analyzer/rule.h"
#include "cli/commands.h"
#include "reporters/reporter.h"

namespace fs = std::filesystem;

namespace pgsafe::cli {

namespace {

// Files that could not be read or decoded, with the position where there is one.
void print_input_errors(const std::vector<InputError>& errors, std::ostream& err) {
  for (const auto& e : errors) {
    err << "pgsafe: error: " << e.file;
    if (e.line) err << ":" << e.line << ":" << e.column;
    err << ": " << e.message << "\n";
  }
}

void print_config_errors(const std::vector<ConfigError>& errors, std::ostream& err) {
  for (const auto& e : errors) {
    err << "pgsafe: error: " << e.file;
    if (e.line) err << ":" << e.line << ":" << e.column;
    err << ": " << e.message << "\n";
  }
}

// Rule options named in the config that the rule does not declare.
void check_rule_options(const Config& cfg, std::vector<ConfigError>& errors) {
  for (const auto& [id, rc] : cfg.rules) {
    const RuleDef* def = find_rule(id);
    if (!def) continue;
    const RuleMeta& meta = meta_of(*def);
    for (const auto& [name, value] : rc.options.items()) {
      bool known = false;
      for (const auto& o : meta.options) known = known || o.name == name;
      if (!known) {
        auto pos = rc.option_positions.count(name) ? rc.option_positions.at(name) : std::pair<uint32_t, uint32_t>{rc.line, rc.column};
        std::string names;
        for (const auto& o : meta.options) names += (names.empty() ? "" : ", ") + std::string(o.name);
        errors.push_back({cfg.path, pos.first, pos.second,
                          "rule '" + id + "' has no option '" + name + "'" +
                              (names.empty() ? " (it takes only `severity`)" : " (options: severity, " + names + ")")});
      }
    }
  }
}

std::optional<std::string> default_migrations_dir() {
  for (const char* d : {"supabase/migrations", "migrations", "db/migrations"}) {
    std::error_code ec;
    if (fs::is_directory(d, ec)) return std::string(d);
  }
  return std::nullopt;
}

}  // namespace

int run_lint(const LintArgs& args, std::istream& in, std::ostream& out, std::ostream& err) {
  LintOptions opts;
  std::vector<ConfigError> cerrors;
  // Configuration: --config, else the nearest .pgsafe.toml upward from here.
  if (args.config) {
    std::error_code ec;
    if (!fs::is_regular_file(*args.config, ec)) {
      err << "pgsafe: error: " << *args.config << ": config file not found\n";
      return exit_code::kUsage;
    }
    load_config(*args.config, opts.config, cerrors);
  } else if (auto found = find_config(fs::current_path())) {
    load_config(*found, opts.config, cerrors);
  }
  if (args.pg_version) {
    if (*args.pg_version < 10 || *args.pg_version > 18) {
      err << "pgsafe: error: --pg-version must be a PostgreSQL major version from 10 to 18\n";
      return exit_code::kUsage;
    }
    opts.config.settings.pg_version = *args.pg_version;
  }
  if (args.assume_in_transaction) opts.config.settings.assume_in_transaction = *args.assume_in_transaction;
  if (args.layout) {
    auto l = parse_layout(*args.layout);
    if (!l) {
      err << "pgsafe: error: unknown --layout '" << *args.layout
          << "' (auto, timestamp, prisma, diesel, golang-migrate, flyway, drizzle)\n";
      return exit_code::kUsage;
    }
    opts.config.layout = *l;
  }
  opts.select = split_list(args.select);
  opts.ignore = split_list(args.ignore);
  opts.jobs = args.jobs;
  // Only the text report shows source lines, and fixes need the text they edit.
  opts.keep_sources = args.format == "text" || args.fix || args.diff;
  for (const auto& id : unknown_rule_ids(opts)) {
    auto it = opts.config.rules.find(id);
    if (it != opts.config.rules.end() && !opts.config.path.empty())
      cerrors.push_back({opts.config.path, it->second.line, it->second.column, "unknown rule '" + id + "' (see `pgsafe rules`)"});
    else
      cerrors.push_back({"command line", 0, 0, "unknown rule '" + id + "' (see `pgsafe rules`)"});
  }
  check_rule_options(opts.config, cerrors);
  if (!cerrors.empty()) {
    print_config_errors(cerrors, err);
    return exit_code::kUsage;
  }
  auto fail_on = parse_severity(args.fail_on);
  if (!fail_on || *fail_on == Severity::Off) {
    err << "pgsafe: error: --fail-on takes error, warning or info\n";
    return exit_code::kUsage;
  }
  if (args.format != "text" && args.format != "json" && args.format != "sarif" && args.format != "github") {
    err << "pgsafe: error: unknown --format '" << args.format << "' (text, json, sarif, github)\n";
    return exit_code::kUsage;
  }

  std::vector<std::string> paths = args.paths;
  DiscoverOptions dopts;
  dopts.layout = opts.config.layout;
  dopts.migrations_dir = args.migrations_dir ? args.migrations_dir : std::nullopt;
  dopts.stdin_filename = args.stdin_filename;
  if (paths.empty()) {
    auto dir = opts.config.migrations_dir ? opts.config.migrations_dir : default_migrations_dir();
    if (!dir) {
      err << "pgsafe: error: no paths given and no migrations folder found (set migrations_dir in .pgsafe.toml, "
             "or run `pgsafe lint migrations/`)\n";
      return exit_code::kUsage;
    }
    paths.push_back(*dir);
  }
  bool uses_stdin = std::find(paths.begin(), paths.end(), "-") != paths.end();
  std::vector<InputError> derrors;
  MigrationSet set = discover(paths, dopts, derrors);
  if (!derrors.empty()) {
    print_input_errors(derrors, err);
    return exit_code::kUsage;
  }
  if (uses_stdin) {
    std::ostringstream ss;
    ss << in.rdbuf();
    for (auto& f : set.files)
      if (f.from_stdin) f.contents = ss.str();
  }

  LintResult result = lint(set, opts);

  if (args.fix || args.diff) {
    if (!result.errors.empty()) {
      print_input_errors(result.errors, err);
      err << "pgsafe: nothing fixed: input errors first\n";
      return exit_code::kUsage;
    }
    // Apply, re-lint, repeat: a fix can make room for another (at most a few passes).
    std::map<std::string, std::string> original, fixed;
    size_t applied = 0;
    for (int pass = 0; pass < 8; ++pass) {
      std::map<std::string, std::vector<const Diagnostic*>> by_file;
      for (const auto& d : result.diagnostics)
        if (d.fix && !d.suppression) by_file[d.file].push_back(&d);
      bool changed = false;
      for (auto& f : set.files) {
        auto it = by_file.find(f.path);
        if (it == by_file.end() || f.history_only) continue;
        auto src = result.sources.find(f.path);
        if (src == result.sources.end()) continue;
        FixResult fr = apply_fixes(src->second.text(), it->second, args.unsafe_fixes);
        if (fr.applied == 0 || fr.text == src->second.text()) continue;
        original.emplace(f.path, src->second.text());
        fixed[f.path] = fr.text;
        f.contents = fr.text;
        applied += fr.applied;
        changed = true;
      }
      if (!changed) break;
      result = lint(set, opts);
    }
    if (args.diff) {
      for (const auto& [path, text] : fixed) out << unified_diff(path, original[path], text);
      if (!args.quiet) err << (fixed.empty() ? "no fixes to apply" : std::to_string(applied) + (applied == 1 ? " fix in " : " fixes in ") + std::to_string(fixed.size()) + (fixed.size() == 1 ? " file" : " files")) << "\n";
      return fixed.empty() ? exit_code::kOk : exit_code::kFindings;
    }
    for (const auto& [path, text] : fixed) {
      bool is_stdin = false;
      for (const auto& f : set.files) is_stdin = is_stdin || (f.path == path && f.from_stdin);
      if (is_stdin) {
        out << text;  // fixing stdin prints the fixed SQL, as formatters do
        continue;
      }
      // Write beside the file and rename over it, so a crash never leaves half a migration.
      std::string tmp = path + ".pgsafe-fix.tmp";
      {
        std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
        o << text;
        if (!o) {
          err << "pgsafe: error: " << path << ": cannot write the fixed file\n";
          return exit_code::kUsage;
        }
      }
      std::error_code ec;
      fs::rename(tmp, path, ec);
      if (ec) {
        err << "pgsafe: error: " << path << ": cannot replace the file: " << ec.message() << "\n";
        fs::remove(tmp, ec);
        return exit_code::kUsage;
      }
    }
    if (!args.quiet) err << "fixed " << applied << " finding" << (applied == 1 ? "" : "s") << " in " << fixed.size() << " file" << (fixed.size() == 1 ? "" : "s") << "\n";
    if (uses_stdin && !fixed.empty()) return exit_code::kOk;
  }

  report::ReportInput rin{result.diagnostics, result.sources, {}, report::summarize(result.diagnostics, result.files),
                          PGSAFE_VERSION};
  for (const RuleDef* def : all_rules())
    if (rule_enabled(meta_of(*def).id, opts)) rin.rules.push_back(&meta_of(*def));
  report::ReportOptions ropts;
  ropts.color = args.color == "always" || (args.color == "auto" && &out == &std::cout && isatty(STDOUT_FILENO) &&
                                           std::getenv("NO_COLOR") == nullptr);
  ropts.sarif_include_suppressed = args.sarif_include_suppressed;
  std::error_code ec;
  ropts.sarif_root = fs::current_path(ec).generic_string();
  if (args.format == "json") report::write_json(out, rin, ropts);
  else if (args.format == "sarif") report::write_sarif(out, rin, ropts);
  else if (args.format == "github") report::write_github(out, rin, ropts);
  else report::write_text(out, rin, ropts);
  out.flush();

  print_input_errors(result.errors, err);
  if (!args.quiet && args.format == "text") err << report::summary_line(rin.summary) << "\n";
  if (!result.errors.empty()) return exit_code::kUsage;
  if (args.exit_zero) return exit_code::kOk;
  for (const auto& d : result.diagnostics)
    if (!d.suppression && at_least(d.severity, *fail_on)) return exit_code::kFindings;
  return exit_code::kOk;
}

}  // namespace pgsafe::cli
