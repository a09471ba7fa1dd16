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

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// "000123" + 1 -> "000124" (width kept); a timestamp version stays a timestamp.
std::string next_number(const std::string& last) {
  if (!all_digits(last)) return "1";
  std::string out = last;
  for (size_t i = out.size(); i-- > 0;) {
    if (out[i] != '9') {
      ++out[i];
      return out;
    }
    out[i] = '0';
  }
  return "1" + out;
}

std::string next_timestamp(const std::string& last) {
  std::string now = utc_now("%Y%m%d%H%M%S");
  if (all_digits(last) && last.size() == now.size() && last >= now) return next_number(last);
  return now;
}

// Where the capture migration goes in a folder, named as the project's layout names files.
// Returns the file to write (and, for layouts that want one, its empty down file).
std::pair<fs::path, fs::path> capture_path(const fs::path& dir, const LocalSet& local) {
  std::string last;
  for (const auto& m : local.migrations) last = m.version;
  const std::string name = "capture_drift";
  switch (local.set.layout) {
    case Layout::Diesel: {
      std::string stamp = utc_now("%Y-%m-%d-%H%M%S");
      fs::path folder = dir / (stamp + "_" + name);
      return {folder / "up.sql", folder / "down.sql"};
    }
    case Layout::Prisma: return {dir / (next_timestamp(last) + "_" + name) / "migration.sql", {}};
    case Layout::GolangMigrate: {
      std::string v = last.size() == 14 ? next_timestamp(last) : next_number(last.empty() ? "000000" : last);
      return {dir / (v + "_" + name + ".up.sql"), dir / (v + "_" + name + ".down.sql")};
    }
    case Layout::Flyway: {
      std::string major = last.substr(0, last.find_first_of("._"));
      std::string v = all_digits(major) && major.size() < 14 ? std::to_string(std::stoll(major) + 1) : next_timestamp(last);
      return {dir / ("V" + v + "__" + name + ".sql"), {}};
    }
    case Layout::Drizzle: return {dir / (next_number(last.empty() ? "0000" : last) + "_" + name + ".sql"), {}};
    default: return {dir / (next_timestamp(last) + "_" + name + ".sql"), {}};
  }
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
  fs::path emit_path, emit_down;
  if (opts.emit_migration) {
    std::error_code ec;
    fs::path target(*opts.emit_migration);
    if (fs::is_directory(target, ec)) std::tie(emit_path, emit_down) = capture_path(target, local);
    else emit_path = target;
    if (fs::exists(emit_path, ec) || (!emit_down.empty() && fs::exists(emit_down, ec))) {
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
  if (!compute_drift(conn, local, history, opts.history_schema, report, error)) {
    print_error(err, error);
    return exit_code::kConnection;
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
    if (!emit_down.empty() && !fs::exists(emit_down, ec))
      write_file_atomically(emit_down.string(), "-- pgsafe drift capture: nothing to undo (the database had this already)\n", why);
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
    out << "Compared schemas " << schemas << " in " << report.ms << " ms\n";
  }
  return report.items.empty() ? exit_code::kOk : exit_code::kDrift;
}

}  // namespace pgsafe::applier
