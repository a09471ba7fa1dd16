#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "analyzer/atomic_write.h"
#include "analyzer/baseline.h"
#include "analyzer/engine.h"
#include "analyzer/fix.h"
#include "analyzer/git_index.h"
#include "analyzer/history.h"
#include "analyzer/history_cache.h"
#include "analyzer/plan.h"
#include "analyzer/registry.h"
#include "analyzer/rule.h"
#include "cli/affected_tables.h"
#include "cli/commands.h"
#include "reporters/reporter.h"
#include "reporters/sarif_root.h"

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

// Files --fix must leave alone because they may already be applied somewhere: those the default
// branch already has (a merged migration has usually been deployed). Without git or a default
// branch nothing can be shown to be new, so every file on disk is kept; `why` says which case.
std::set<std::string> possibly_applied(const MigrationSet& set, std::string& why) {
  std::set<std::string> kept;
  std::vector<const MigrationFile*> files;
  for (const auto& f : set.files)
    if (!f.history_only && !f.from_stdin) files.push_back(&f);
  if (files.empty()) return kept;
  auto keep_all = [&](const std::string& reason) {
    why = reason;
    for (const auto* f : files) kept.insert(f->path);
    return kept;
  };
  if (!git::inside_work_tree())
    return keep_all("not in a git work tree, so pgsafe cannot tell a new migration from one that may already be applied");
  std::string branch = git::default_branch();
  if (branch.empty())
    return keep_all("the repository has no default branch (origin/HEAD, main or master) to tell new migrations from "
                    "merged ones");
  std::vector<std::string> paths;
  for (const auto* f : files) paths.push_back(f->path);
  std::string error;
  if (!git::paths_in_tree(branch, paths, kept, error)) return keep_all("cannot read " + branch + ": " + error);
  why = "the default branch (" + branch + ") already has it, so it may be applied somewhere";
  return kept;
}

// out-of-order-migration judges a new file against the committed history: with --db, what the
// database applied; else what the default branch has. Nothing is marked (and the rule stays
// silent) when there is no such source, and git is not run when the rule cannot report anything.
void mark_committed(MigrationSet& set, const LintArgs& args, const LintOptions& opts) {
  if (!rule_enabled("out-of-order-migration", opts)) return;
  if (args.applied_versions) {
    set.committed_source = CommittedSource::Database;
    set.committed_where = args.applied_database;
    for (const auto& v : *args.applied_versions)
      if (set.newest_applied_version.empty() || compare_versions(v, set.newest_applied_version) > 0)
        set.newest_applied_version = v;
    for (auto& f : set.files) f.committed = !f.version.empty() && args.applied_versions->count(f.version);
    return;
  }
  mark_committed_on_default_branch(set);
}

// A path argument naming one file (not stdin, a folder or a glob), as a commit hook passes them.
bool names_one_file(const std::string& arg) {
  std::error_code ec;
  return arg != "-" && arg.find_first_of("*?[") == std::string::npos && !fs::is_directory(arg, ec);
}

// With files but no --migrations-dir: the history they are judged against (see analyzer/history.h).
std::optional<std::string> history_for(const std::vector<std::string>& paths, const LintArgs& args,
                                       const Config& config) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    if (p == "-") {
      if (args.stdin_filename) files.push_back(*args.stdin_filename);
      continue;
    }
    // A folder or a glob is a whole set already: it brings its own history.
    if (!names_one_file(p)) return std::nullopt;
    files.push_back(p);
  }
  if (files.empty()) return std::nullopt;
  return find_history(files, config.migrations_dir, config.layout).dir;
}

// The baseline file's folder, absolute: baseline paths are relative to it.
fs::path baseline_dir(const std::string& file) {
  std::error_code ec;
  fs::path abs = fs::absolute(file, ec);
  return (ec ? fs::path(file) : abs).lexically_normal().parent_path();
}

// One --report FORMAT=PATH.
struct ExtraReport {
  report::Format format;
  std::string path;
};

// The --report values, checked before anything is linted: each is FORMAT=PATH with a known format,
// no two name the same file, and the file's folder exists. False after saying why on err.
bool parse_reports(const std::vector<std::string>& values, std::vector<ExtraReport>& out, std::ostream& err) {
  std::map<std::string, std::string> seen;  // normalised path -> the --report value naming it
  for (const auto& v : values) {
    size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
      err << "pgsafe: error: --report '" << v << "' must be FORMAT=PATH, e.g. --report sarif=pgsafe.sarif\n";
      return false;
    }
    std::string name = v.substr(0, eq), path = v.substr(eq + 1);
    auto format = report::parse_format(name);
    if (!format) {
      err << "pgsafe: error: --report " << v << ": unknown format '" << name << "' (" << report::format_names()
          << ")\n";
      return false;
    }
    if (path == "-") {
      err << "pgsafe: error: --report " << v << ": reports go to files; --format chooses what stdout gets\n";
      return false;
    }
    std::error_code ec;
    fs::path abs = fs::weakly_canonical(fs::absolute(path, ec), ec);
    std::string key = ec ? fs::path(path).lexically_normal().string() : abs.string();
    if (auto it = seen.find(key); it != seen.end()) {
      err << "pgsafe: error: " << path << ": named by two reports (--report " << it->second << " and --report " << v
          << "); each report needs its own file\n";
      return false;
    }
    seen.emplace(key, v);
    fs::path dir = fs::absolute(path, ec).parent_path();
    if (fs::is_directory(path, ec)) {
      err << "pgsafe: error: " << path << ": cannot write the " << name << " report: it is a directory\n";
      return false;
    }
    if (!fs::is_directory(dir, ec)) {
      err << "pgsafe: error: " << path << ": cannot write the " << name << " report: no folder "
          << dir.lexically_normal().string() << "\n";
      return false;
    }
    out.push_back({*format, path});
  }
  return true;
}

// Writes one report file whole. A regular file (or a new one) is replaced atomically, so a reader
// never sees half a report; a device or a pipe (/dev/stderr, a FIFO) is written directly.
bool write_report_file(const std::string& path, const std::string& content, std::string& why) {
  std::error_code ec;
  auto st = fs::status(path, ec);
  // A device or pipe, or a symbolic link (/dev/stdout is one, and may point at a file the shell
  // redirected to): written in place. Replacing it with a new file would swap the link itself
  // for a regular file.
  auto link = fs::symlink_status(path, ec);
  bool in_place = !ec && fs::exists(link) && (fs::is_symlink(link) || (!fs::is_regular_file(st) && !fs::is_directory(st)));
  if (in_place) {
    errno = 0;
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (f) f.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (f) f.close();
    if (!f) {
      why = std::strerror(errno ? errno : EIO);
      return false;
    }
    return true;
  }
  return write_file_atomically(path, content, why);
}

// GitHub Actions' link to a file of the commit being checked, when its variables are all set.
std::string github_link_base() {
  const char* server = std::getenv("GITHUB_SERVER_URL");
  const char* repo = std::getenv("GITHUB_REPOSITORY");
  const char* sha = std::getenv("GITHUB_SHA");
  if (!server || !repo || !sha || !*server || !*repo || !*sha) return "";
  std::string base = server;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/" + repo + "/blob/" + sha;
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
    if (*args.pg_version < 13 || *args.pg_version > 18) {
      err << "pgsafe: error: --pg-version must be a PostgreSQL major version from 13 to 18\n";
      return exit_code::kUsage;
    }
    opts.config.settings.pg_version = *args.pg_version;
    opts.config.settings.pg_version_explicit = true;
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
  auto stdout_format = report::parse_format(args.format);
  if (!stdout_format) {
    err << "pgsafe: error: unknown --format '" << args.format << "' (" << report::format_names() << ")\n";
    return exit_code::kUsage;
  }
  std::vector<ExtraReport> extra_reports;
  if (!parse_reports(args.reports, extra_reports, err)) return exit_code::kUsage;
  auto uses = [&](report::Format f) {
    if (*stdout_format == f) return true;
    for (const auto& r : extra_reports)
      if (r.format == f) return true;
    return false;
  };
  // Only the text report shows source lines, fixes need the text they edit, and baseline
  // fingerprints the statements findings point at, as SARIF and GitLab do the text they flag.
  opts.keep_sources = uses(report::Format::Text) || uses(report::Format::Sarif) || uses(report::Format::Gitlab) ||
                      args.fix || args.diff || args.baseline || args.write_baseline;
  for (const auto& id : unknown_rule_ids(opts)) {
    auto it = opts.config.rules.find(id);
    if (it != opts.config.rules.end() && !opts.config.path.empty())
      cerrors.push_back({opts.config.path, it->second.line, it->second.column, unknown_rule_message(id)});
    else
      cerrors.push_back({"command line", 0, 0, unknown_rule_message(id)});
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
  if (!extra_reports.empty() && (args.write_baseline || args.diff)) {
    err << "pgsafe: error: --report writes lint reports, and " << (args.diff ? "--diff" : "--write-baseline")
        << " reports none; run them separately\n";
    return exit_code::kUsage;
  }
  if (args.write_baseline && (args.fix || args.diff)) {
    err << "pgsafe: error: --write-baseline records findings; run --fix or --diff separately\n";
    return exit_code::kUsage;
  }
  if (args.fix_force && !args.fix) {
    err << "pgsafe: error: --fix-force goes with --fix\n";
    return exit_code::kUsage;
  }
  if (args.staged && (args.fix || args.diff)) {
    err << "pgsafe: error: --fix and --diff edit the work tree; they cannot be combined with --staged\n";
    return exit_code::kUsage;
  }
  // A commit hook must judge what the commit will hold: git sets GIT_INDEX_FILE for its hooks.
  bool staged = args.staged;
  if (staged && !git::inside_work_tree()) {
    err << "pgsafe: error: --staged reads the git index, and this is not a git work tree\n";
    return exit_code::kUsage;
  }
  if (!staged && !args.fix && !args.diff && std::getenv("GIT_INDEX_FILE") && git::inside_work_tree()) staged = true;
  Baseline baseline;
  if (args.baseline) {
    std::string why;
    if (!read_baseline(*args.baseline, baseline, why)) {
      err << "pgsafe: error: " << *args.baseline << ": " << why << "\n";
      return exit_code::kUsage;
    }
  }

  std::vector<std::string> paths = args.paths;
  DiscoverOptions dopts;
  dopts.layout = opts.config.layout;
  dopts.migrations_dir = args.migrations_dir ? args.migrations_dir : std::nullopt;
  dopts.stdin_filename = args.stdin_filename;
  if (paths.empty()) {
    auto dir = opts.config.migrations_dir ? opts.config.migrations_dir : find_known_migrations_dir();
    if (!dir) {
      err << "pgsafe: error: no paths given and no migrations folder found (set migrations_dir in .pgsafe.toml, "
             "or run `pgsafe lint migrations/`)\n";
      return exit_code::kUsage;
    }
    paths.push_back(*dir);
  } else if (!dopts.migrations_dir) {
    dopts.migrations_dir = history_for(paths, args, opts.config);
  }
  bool uses_stdin = std::find(paths.begin(), paths.end(), "-") != paths.end();
  std::vector<InputError> derrors;
  MigrationSet set = staged ? discover_staged(paths, dopts, derrors) : discover(paths, dopts, derrors);
  {
    std::set<std::string> told;
    for (const auto& w : set.skipped)
      if (told.insert(w.file).second) err << "pgsafe: warning: " << w.file << ": " << w.message << "\n";
  }
  if (!derrors.empty()) {
    print_input_errors(derrors, err);
    return exit_code::kUsage;
  }
  if (uses_stdin && args.fix && !extra_reports.empty()) {
    err << "pgsafe: error: --report does not go with --fix on stdin: the fixed text is what goes to stdout\n";
    return exit_code::kUsage;
  }
  // A report never replaces one of pgsafe's inputs: a migration (history included), the config,
  // or a baseline.
  {
    auto same = [](const std::string& a, const std::string& b) {
      std::error_code ec;
      return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
    };
    std::vector<std::string> inputs;
    for (const auto& f : set.files) inputs.push_back(f.path);
    if (!opts.config.path.empty()) inputs.push_back(opts.config.path);
    if (args.baseline) inputs.push_back(*args.baseline);
    if (args.write_baseline) inputs.push_back(*args.write_baseline);
    for (const auto& r : extra_reports)
      for (const auto& input : inputs)
        if (same(r.path, input)) {
          err << "pgsafe: error: --report " << r.path << " would overwrite " << input
              << ", one of pgsafe's inputs: choose another file\n";
          return exit_code::kUsage;
        }
  }
  if (uses_stdin) {
    std::ostringstream ss;
    ss << in.rdbuf();
    for (auto& f : set.files)
      if (f.from_stdin) f.contents = ss.str();
  }

  // --db: what the database has applied is history (replayed, not reported); only pending files
  // are judged, as `pgsafe apply` judges them.
  if (args.applied_versions) {
    size_t history = 0, pending = 0;
    for (auto& f : set.files) {
      if (f.history_only) continue;
      if (!f.from_stdin && !f.version.empty() && args.applied_versions->count(f.version)) {
        f.history_only = true;
        ++history;
      } else {
        ++pending;
      }
    }
    if (!args.quiet)
      err << "pgsafe: database \"" << args.applied_database << "\" has applied " << history << " of these file(s): "
          << "linted as history; " << pending << " pending file(s) judged\n";
  }

  mark_committed(set, args, opts);

  // Files linted against a history folder restore that history's state from the cache
  // (docs/cache.md). The git index gets its own cache file: its files are hashed, never stat'ed.
  if (!args.no_cache && dopts.migrations_dir) {
    std::signal(SIGXFSZ, SIG_IGN);  // a cache write past ulimit -f fails (no cache), it does not kill pgsafe
    opts.history_cache_file = history_cache_path(*dopts.migrations_dir, opts.config.path, staged ? "staged" : "");
  }
  LintResult result = lint(set, opts);

  if (args.fix || args.diff) {
    if (!result.errors.empty()) {
      print_input_errors(result.errors, err);
      err << "pgsafe: nothing fixed: input errors first\n";
      return exit_code::kUsage;
    }
    // An applied migration is never edited: its checksum would no longer match and it never runs
    // again. Without --db, --fix rewrites only files the default branch does not have yet (--diff
    // writes nothing and shows every fix).
    std::set<std::string> kept;
    std::string kept_why;
    if (args.fix && !args.fix_applied && !args.applied_versions) kept = possibly_applied(set, kept_why);
    // Apply, re-lint, repeat: a fix can make room for another (at most a few passes).
    std::map<std::string, std::string> original, fixed;
    std::map<std::string, size_t> kept_fixes;
    size_t applied = 0;
    for (int pass = 0; pass < 8; ++pass) {
      std::map<std::string, std::vector<const Diagnostic*>> by_file;
      for (const auto& d : result.diagnostics)
        if (d.fix && !d.suppression) by_file[d.file].push_back(&d);
      bool changed = false;
      for (auto& f : set.files) {
        auto it = by_file.find(f.path);
        if (it == by_file.end() || f.history_only) continue;
        if (kept.count(f.path)) {
          if (pass == 0) kept_fixes[f.path] = it->second.size();
          continue;
        }
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
    if (!kept_fixes.empty()) {
      for (const auto& [path, n] : kept_fixes)
        err << "pgsafe: warning: " << path << ": not fixed (" << n << (n == 1 ? " fix" : " fixes") << "): " << kept_why
            << "\n";
      err << "pgsafe: an applied migration must not be edited: its checksum no longer matches (`pgsafe apply` exits 3) "
             "and the change never runs; put the fix in a new migration. `--db URL` fixes exactly the files that "
             "database has not applied; --fix-applied rewrites these files anyway\n";
    }
    if (args.diff) {
      for (const auto& [path, text] : fixed) out << unified_diff(path, original[path], text);
      if (!args.quiet) err << (fixed.empty() ? "no fixes to apply" : std::to_string(applied) + (applied == 1 ? " fix in " : " fixes in ") + std::to_string(fixed.size()) + (fixed.size() == 1 ? " file" : " files")) << "\n";
      return fixed.empty() ? exit_code::kOk : exit_code::kFindings;
    }
    // A write past the file size limit (ulimit -f) then fails with EFBIG and is reported like a
    // full disk, instead of killing pgsafe between writing and cleaning up.
    std::signal(SIGXFSZ, SIG_IGN);
    std::vector<std::string> on_disk;
    for (const auto& [path, text] : fixed) {
      bool is_stdin = false;
      for (const auto& f : set.files) is_stdin = is_stdin || (f.path == path && f.from_stdin);
      if (!is_stdin) on_disk.push_back(path);
    }
    // Links, hard-linked, read-only and foreign files are refused before anything is written,
    // so a refusal never leaves a set half fixed.
    bool refused = false;
    for (const auto& path : on_disk)
      if (auto why = rewrite_refusal(path, args.fix_force)) {
        err << "pgsafe: error: " << path << ": not fixed: " << *why
            << (args.fix_force ? "" : "; --fix-force rewrites it anyway (see docs/fix.md)") << "\n";
        refused = true;
      }
    if (refused) {
      err << "pgsafe: nothing fixed\n";
      return exit_code::kUsage;
    }
    std::vector<std::string> written;
    for (const auto& [path, text] : fixed) {
      if (std::find(on_disk.begin(), on_disk.end(), path) == on_disk.end()) {
        out << text;  // fixing stdin prints the fixed SQL, as formatters do
        continue;
      }
      // Write beside the file and rename over it, so a crash or a full disk never leaves half a
      // migration; the file must still hold what was linted.
      RewriteOptions wopts;
      wopts.force = args.fix_force;
      wopts.expected = original[path];
      std::string why;
      bool replaced = false;
      if (!rewrite_file(path, text, wopts, why, &replaced)) {
        if (replaced) err << "pgsafe: error: " << path << ": fixed, but " << why << "\n";
        else err << "pgsafe: error: " << path << ": not fixed, the file is unchanged: " << why << "\n";
        if (replaced) written.push_back(path);
        if (!written.empty()) {
          err << "pgsafe: fixed before the error:";
          for (const auto& w : written) err << " " << w;
          err << "\n";
        }
        return exit_code::kUsage;
      }
      written.push_back(path);
    }
    if (!args.quiet) err << "fixed " << applied << " finding" << (applied == 1 ? "" : "s") << " in " << fixed.size() << " file" << (fixed.size() == 1 ? "" : "s") << "\n";
    if (uses_stdin && !fixed.empty()) return exit_code::kOk;
  }

  std::error_code cwd_ec;
  fs::path cwd = fs::current_path(cwd_ec);
  if (args.write_baseline) {
    if (!result.errors.empty()) {
      print_input_errors(result.errors, err);
      err << "pgsafe: baseline not written: input errors first\n";
      return exit_code::kUsage;
    }
    std::signal(SIGXFSZ, SIG_IGN);  // a write past ulimit -f fails and is reported (see --fix)
    const std::string& file = *args.write_baseline;
    fs::path dir = baseline_dir(file);
    // Entries for files and rules outside this run are kept, so a run over a few files does not
    // forget the rest of the project.
    Baseline previous;
    std::error_code ec;
    if (fs::exists(file, ec)) {
      std::string why;
      if (!read_baseline(file, previous, why)) {
        err << "pgsafe: error: " << file << ": " << why << " (not overwritten; remove it or choose another file)\n";
        return exit_code::kUsage;
      }
    }
    std::set<std::string> linted;
    for (const auto& p : result.linted_paths) linted.insert(baseline_path(p, dir, cwd));
    auto keys = baseline_keys(result.diagnostics, result.sources, dir, cwd);
    Baseline next = next_baseline(result.diagnostics, keys, previous, linted,
                                  [&](std::string_view id) { return rule_enabled(id, opts); });
    std::string why;
    if (!write_file_atomically(file, baseline_json(next), why)) {
      err << "pgsafe: error: " << file << ": cannot write the baseline: " << why << "\n";
      return exit_code::kUsage;
    }
    if (!args.quiet)
      err << "pgsafe: recorded " << next.entries.size() << (next.entries.size() == 1 ? " finding" : " findings")
          << " in " << file << "; lint with --baseline " << file << " to report only new ones\n";
    return exit_code::kOk;
  }
  size_t baselined = 0;
  if (args.baseline) {
    auto keys = baseline_keys(result.diagnostics, result.sources, baseline_dir(*args.baseline), cwd);
    baselined = apply_baseline(result.diagnostics, keys, baseline);
  }

  report::ReportInput rin{result.diagnostics, result.sources, {}, report::summarize(result.diagnostics, result.files),
                          PGSAFE_VERSION};
  rin.summary.baselined = baselined;
  rin.note = result.exposure_note;
  for (const RuleDef* def : all_rules())
    if (rule_enabled(meta_of(*def).id, opts)) rin.rules.push_back(&meta_of(*def));
  report::ReportOptions ropts;
  ropts.color = args.color == "always" || (args.color == "auto" && &out == &std::cout && isatty(STDOUT_FILENO) &&
                                           std::getenv("NO_COLOR") == nullptr);
  ropts.sarif_include_suppressed = args.sarif_include_suppressed;
  ropts.sarif_root = cwd.generic_string();
  // Code scanning, annotations, GitLab and markdown links want paths relative to the repository,
  // whichever folder pgsafe runs in.
  if (uses(report::Format::Sarif) || uses(report::Format::Github) || uses(report::Format::Gitlab) ||
      uses(report::Format::Markdown))
    ropts.sarif_source_root = report::sarif_source_root(result.linted_paths, ropts.sarif_root);
  ropts.link_base = args.link_base ? *args.link_base : github_link_base();
  // The markdown report lists the tables each linted file touches: the plan says so, and the
  // reporter gets it as plain data.
  if (uses(report::Format::Markdown)) rin.affected_tables = affected_tables(build_plan(set));
  report::write_report(out, *stdout_format, rin, ropts);
  out.flush();

  bool reports_failed = false;
  if (!extra_reports.empty()) {
    std::signal(SIGXFSZ, SIG_IGN);  // a write past ulimit -f fails and is reported (see --fix)
    report::ReportOptions file_opts = ropts;
    file_opts.color = false;  // a file is never a terminal
    for (const auto& r : extra_reports) {
      std::ostringstream doc;
      report::write_report(doc, r.format, rin, file_opts);
      std::string why;
      if (!write_report_file(r.path, doc.str(), why)) {
        err << "pgsafe: error: " << r.path << ": cannot write the " << report::format_name(r.format)
            << " report: " << why << "\n";
        reports_failed = true;
      }
    }
  }

  print_input_errors(result.errors, err);
  if (!args.quiet && (args.format == "text" || args.format == "concise")) err << report::summary_line(rin.summary) << "\n";
  if (!result.errors.empty() || reports_failed) return exit_code::kUsage;
  if (args.exit_zero) return exit_code::kOk;
  for (const auto& d : result.diagnostics)
    if (!d.suppression && at_least(d.severity, *fail_on)) return exit_code::kFindings;
  return exit_code::kOk;
}

}  // namespace pgsafe::cli
