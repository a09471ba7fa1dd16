// pgsafe drift: the database against the applied migrations, on a read-only session; with
// --emit-migration, a migration that captures what was changed by hand.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyzer/atomic_write.h"
#include "analyzer/verdict.h"
#include "applier/applier.h"
#include "applier/drift.h"
#include "applier/history.h"
#include "applier/local_set.h"
#include "analyzer/new_migration.h"
#include "applier/session.h"
#include "parser/parser.h"

namespace fs = std::filesystem;

namespace pgsafe::applier {

namespace {

std::string utc_now(const char* format) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

// Where the capture migration goes in a folder: the next file of the project's layout, numbered
// after every existing version as `pgsafe new` numbers it.
fs::path capture_path(const fs::path& dir, const LocalSet& local) {
  NewMigrationRequest r;
  r.description = "capture drift";
  r.dir = dir.generic_string();
  r.layout = local.set.layout == Layout::Auto ? Layout::Timestamp : local.set.layout;
  r.existing = local.set.files;
  r.now = std::time(nullptr);
  NewMigrationPlan plan = plan_new_migration(r);
  return plan.files.empty() ? fs::path() : fs::path(plan.files.front().path);
}

// The capture migration's text: a header, then per difference a comment naming it and the SQL
// (or what a person must decide).
std::string capture_text(const DriftReport& report, const std::string& database) {
  std::ostringstream s;
  s << "-- intent: capture drift found in " << database << " on " << utc_now("%Y-%m-%d") << "\n";
  s << "-- Written by `pgsafe drift --emit-migration`: each statement brings the migrations up to what the\n"
       "-- database already has, and changes nothing when run on that database.\n";
  for (const auto& d : report.items) {
    s << "\n-- " << d.message() << "\n";
    if (d.fix_above) {
      s << "-- (the statement above covers it)\n";
      continue;
    }
    if (!d.fix_sql.empty()) s << d.fix_sql << "\n";
    if (!d.fix_note.empty()) s << "-- TODO: " << d.fix_note << "\n";
  }
  return s.str();
}

struct LintCount {
  size_t findings = 0, errors = 0;
};

// Lint the capture file in the project's context (the other files as history). Error findings
// on statements that only restate what the database already has are marked
// `-- pgsafe-ignore <rule>: ...` before their statement, so the gate lets the file through;
// the count is of what remains.
LintCount lint_capture(const LocalSet& local, const std::string& path, std::string& text, bool add_ignores) {
  MigrationSet set = local.set;
  for (auto& f : set.files) f.history_only = true;
  MigrationFile mf = make_migration_file(path, set.layout == Layout::Auto ? Layout::Timestamp : set.layout);
  mf.contents = text;
  set.files.push_back(mf);
  order_set(set);
  LintOptions opts;
  opts.config = local.config;
  opts.jobs = 1;
  LintResult result = lint(set, opts);
  LintCount count;
  std::map<uint32_t, std::set<std::string>> ignores;  // statement start offset -> rules
  parser::ParsedFile parsed = parser::parse_sql(text);
  for (const auto& d : result.diagnostics) {
    if (d.file != mf.path || d.suppression) continue;
    ++count.findings;
    if (d.severity != Severity::Error) continue;
    ++count.errors;
    if (!add_ignores) continue;
    uint32_t off = d.range.start.offset;
    for (const auto& st : parsed.statements())
      if (st.parent < 0 && st.begin <= off && off <= st.end) ignores[st.begin].insert(d.rule);
  }
  if (add_ignores && !ignores.empty()) {
    for (auto it = ignores.rbegin(); it != ignores.rend(); ++it) {
      std::string rules;
      for (const auto& r : it->second) rules += (rules.empty() ? "" : ", ") + r;
      size_t line_start = text.rfind('\n', it->first == 0 ? 0 : it->first - 1);
      line_start = line_start == std::string::npos ? 0 : line_start + 1;
      text.insert(line_start, "-- pgsafe-ignore " + rules +
                                  ": captured drift; the database already has this, so running it changes nothing\n");
    }
  }
  return count;
}

}  // namespace

int run_drift(const DriftOptions& opts, std::ostream& out, std::ostream& err) {
  using json = nlohmann::json;
  if (!check_common(opts, err)) return exit_code::kUsage;
  if (opts.emit_migration && opts.emit_migration->empty()) {
    print_error(err, "--emit-migration needs a file or folder");
    return exit_code::kUsage;
  }
  LocalSet local;
  std::vector<std::string> errors;
  if (!load_local(LocalOptions{opts.dir, opts.config}, local, errors)) {
    for (const auto& e : errors) print_error(err, e);
    return exit_code::kUsage;
  }
  // Where the capture would go, checked before connecting: an existing file is never replaced.
  fs::path emit_path;
  if (opts.emit_migration) {
    std::error_code ec;
    fs::path target(*opts.emit_migration);
    if (fs::is_directory(target, ec)) emit_path = capture_path(target, local);
    else emit_path = target;
    if (fs::exists(emit_path, ec)) {
      print_error(err, emit_path.generic_string() + ": already exists; pgsafe never overwrites a migration (choose another path)");
      return exit_code::kUsage;
    }
    if (!fs::is_directory(target, ec) && !target.parent_path().empty() && !fs::is_directory(target.parent_path(), ec)) {
      print_error(err, target.parent_path().generic_string() + ": no such folder");
      return exit_code::kUsage;
    }
  }

  Connection conn;
  History history;
  std::string database;
  if (int code = open_history_snapshot(opts, conn, history, database, err)) return code;
  DriftReport report;
  std::string error;
  // A database with neither pgsafe history nor tables of its own is new: nothing ran on it, so
  // there is nothing to compare (apply does not compare it either). Counting every local file as
  // applied would report each of its tables as missing, and stop a first deploy for nothing.
  bool fresh = false;
  if (!history.exists || history.rows.empty()) {
    HistoryStore store(conn, opts.history_schema);
    long long count = 0;
    std::vector<std::string> examples;
    PgError e;
    if (!store.user_relations(count, examples, e)) {
      print_error(err, "cannot list the database's tables: " + e.message);
      return exit_code::kConnection;
    }
    fresh = count == 0;
  }
  if (fresh) {
    report.note = "database \"" + database + "\" is new (no pgsafe history, no tables of its own): nothing is applied, "
                  "so there is nothing to compare";
  } else if (!compute_drift(conn, local, history, opts.history_schema, report, error)) {
    print_error(err, error);
    return exit_code::kConnection;
  } else if (opts.with_pending && report.history_used) {
    const std::set<std::string> applied = history.applied_versions();
    std::vector<const LocalMigration*> pending;
    for (const auto& m : local.migrations)
      if (!applied.count(m.version)) pending.push_back(&m);
    size_t explained = 0;
    if (!discount_pending(conn, local, history, pending, opts.history_schema, report, explained, error)) {
      print_error(err, error);
      return exit_code::kConnection;
    }
    if (explained)
      report.note += std::string(report.note.empty() ? "" : "; ") + "the " + std::to_string(pending.size()) +
                     " pending file(s) account for " + std::to_string(explained) +
                     " difference(s) (a captured change that apply will run)";
  }
  conn.exec("ROLLBACK");

  // The capture migration.
  json emitted = nullptr;
  std::string emit_message;
  if (opts.emit_migration && !report.items.empty()) {
    std::string text = capture_text(report, database);
    lint_capture(local, emit_path.generic_string(), text, true);
    LintCount count = lint_capture(local, emit_path.generic_string(), text, false);
    std::error_code ec;
    fs::create_directories(emit_path.parent_path().empty() ? fs::path(".") : emit_path.parent_path(), ec);
    std::string why;
    if (fs::exists(emit_path, ec) || !write_file_atomically(emit_path.string(), text, why)) {
      print_error(err, emit_path.generic_string() + ": cannot write: " + (why.empty() ? "already exists" : why));
      return exit_code::kUsage;
    }
    emitted = {{"file", emit_path.generic_string()}, {"lint_findings", count.findings}, {"lint_errors", count.errors}};
    emit_message = "Wrote " + emit_path.generic_string() + " (" + std::to_string(report.items.size()) +
                   " difference(s) captured; lint: " + std::to_string(count.findings) + " finding(s), " +
                   std::to_string(count.errors) + " error(s))";
  } else if (opts.emit_migration) {
    emit_message = "No drift: nothing to capture, " + emit_path.generic_string() + " not written";
  }

  if (opts.format == "json") {
    json j = drift_to_json(report);
    j["database"] = database;
    j["emitted"] = emitted;
    j["fresh"] = fresh;
    out << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  } else {
    if (report.items.empty()) {
      out << "No drift: database \"" << database << "\" matches the " << report.applied_files << " applied migration(s)\n";
    } else {
      std::map<std::string, int> counts;
      for (const auto& d : report.items) ++counts[d.kind];
      out << "Drift in database \"" << database << "\": " << report.items.size() << " difference(s) (" << counts["missing"]
          << " missing in database, " << counts["extra"] << " extra in database, " << counts["different"] << " different)\n";
      for (const auto& d : report.items) out << d.message() << "\n";
    }
    if (!report.note.empty()) out << "note: " << report.note << "\n";
    if (!emit_message.empty()) out << emit_message << "\n";
    std::string schemas;
    for (const auto& s : report.schemas) schemas += (schemas.empty() ? "" : ", ") + s;
    if (!fresh) out << "Compared schemas " << schemas << " in " << report.ms << " ms\n";
  }
  return report.items.empty() ? exit_code::kOk : exit_code::kDrift;
}

}  // namespace pgsafe::applier
