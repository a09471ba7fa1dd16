// pgsafe status: files and history side by side, on a read-only session, without the lock.
#include <iomanip>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "applier/applier.h"
#include "applier/drift.h"
#include "applier/history.h"
#include "applier/local_set.h"
#include "applier/lock.h"
#include "applier/recovery.h"
#include "applier/session.h"
#include "applier/state.h"

namespace pgsafe::applier {

int applied_versions(const CommonOptions& opts, std::set<std::string>& versions, std::string& database,
                     std::ostream& err) {
  if (!check_common(opts, err)) return exit_code::kUsage;
  Connection conn;
  History history;
  if (int code = open_history_snapshot(opts, conn, history, database, err)) return code;
  conn.exec("ROLLBACK");
  versions = history.applied_versions();
  return exit_code::kOk;
}

int run_status(const StatusOptions& opts, std::ostream& out, std::ostream& err) {
  using json = nlohmann::json;
  if (!check_common(opts, err)) return exit_code::kUsage;
  LocalSet local;
  std::vector<std::string> errors;
  if (!load_local(LocalOptions{opts.dir, opts.config}, local, errors)) {
    for (const auto& e : errors) print_error(err, e);
    return exit_code::kUsage;
  }
  Connection conn;
  History history;
  std::string database;
  if (int code = open_history_snapshot(opts, conn, history, database, err)) return code;
  std::vector<Entry> entries = compare(local, history);
  // A `running` row while another pgsafe holds the migration lock is a file being applied now,
  // not an interrupted one: its index is being built, not left behind.
  std::string holder = lock_holder(conn, lock_key(opts.history_schema));
  std::vector<std::string> labels;
  std::vector<std::vector<InvalidIndex>> invalid(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    labels.push_back(state_label(entries[i], history));
    if (labels[i] == "running" && !holder.empty()) labels[i] = "in-progress";
    // What a file stopped part-way left behind, named so the steps can drop it.
    if (entries[i].local && (labels[i] == "failed" || labels[i] == "partial" || labels[i] == "running"))
      invalid[i] = invalid_indexes(conn, *entries[i].local, true);
  }
  // The schema against the applied migrations (pgsafe drift), on the same snapshot.
  DriftReport drift;
  std::string drift_error;
  bool drift_ran = opts.drift && history.exists && !history.rows.empty();
  if (drift_ran && !compute_drift(conn, local, history, opts.history_schema, drift, drift_error)) drift_ran = false;
  conn.exec("ROLLBACK");

  std::map<std::string, int> counts;
  for (const char* s : {"applied", "pending", "modified", "missing", "failed", "partial", "running", "in-progress",
                        "rolled-back", "baseline", "out-of-order"})
    counts[s] = 0;
  for (const auto& l : labels) ++counts[l];
  bool broken = counts["failed"] || counts["partial"] || counts["running"];
  bool pending_work = counts["pending"] || counts["in-progress"] || counts["rolled-back"] || counts["modified"] || counts["missing"] ||
               counts["out-of-order"];
  std::string environment = history.meta.count("environment") ? history.meta["environment"] : "";

  if (opts.format == "json") {
    json migrations = json::array();
    for (size_t i = 0; i < entries.size(); ++i) {
      const Entry& en = entries[i];
      std::string checksum = en.local ? en.local->checksum : en.row->checksum;
      json m = {{"version", en.version},
                {"name", en.name()},
                {"file", en.file()},
                {"state", labels[i]},
                {"checksum", checksum},
                {"applied_at", en.row && !en.row->finished_at.empty() ? json(en.row->finished_at) : json(nullptr)}};
      if (en.row && en.state == State::Modified) m["applied_checksum"] = en.row->checksum;
      if (en.row && !en.row->error_message.empty())
        m["error"] = {{"sqlstate", en.row->error_sqlstate}, {"message", en.row->error_message}};
      if (auto f = history.last_failure.find(en.version); f != history.last_failure.end()) {
        m["last_failure"] = f->second.detail;
        m["last_failure"]["at"] = f->second.at;
      }
      if (int st = failed_statement(en, history)) m["failed_statement"] = st;
      if (!invalid[i].empty()) m["invalid_indexes"] = invalid_json(invalid[i]);
      auto steps = next_steps(en, labels[i], history, invalid[i]);
      if (!steps.empty()) m["next"] = steps;
      migrations.push_back(m);
    }
    json summary = json::object();
    for (const auto& [k, v] : counts) summary[k] = v;
    summary["total"] = entries.size();
    json doc{{"database", database},
             {"environment", environment.empty() ? json(nullptr) : json(environment)},
             {"history", history.exists},
             {"migrations", migrations},
             {"summary", summary}};
    if (drift_ran) doc["drift"] = drift_to_json(drift);
    else if (!drift_error.empty()) doc["drift"] = {{"error", drift_error}};
    out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  } else {
    size_t width = 4;
    for (const auto& en : entries) width = std::max(width, en.file().size());
    out << "Database \"" << database << "\"" << (environment.empty() ? "" : " (" + environment + ")")
        << (history.exists ? "" : ", no pgsafe history yet") << "\n";
    out << std::left << std::setw(14) << "STATE" << std::setw(static_cast<int>(width) + 2) << "FILE" << "APPLIED AT\n";
    for (size_t i = 0; i < entries.size(); ++i) {
      const Entry& en = entries[i];
      out << std::left << std::setw(14) << labels[i] << std::setw(static_cast<int>(width) + 2) << en.file()
          << (en.row ? en.row->finished_at : "") << "\n";
    }
    bool first = true;
    for (const auto& [k, v] : counts) {
      if (!v) continue;
      out << (first ? "" : ", ") << v << " " << k;
      first = false;
    }
    if (first) out << "no migrations";
    out << "\n";
    // Each file that needs more than `pgsafe apply`: what happened, what it left, what to run.
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::string& l = labels[i];
      if (l == "applied" || l == "baseline" || l == "pending") continue;
      const Entry& en = entries[i];
      out << "\n" << en.file() << ": ";
      if (l == "rolled-back") out << "the last attempt failed and was rolled back; nothing of it is applied";
      else if (l == "in-progress") out << "being applied now (" << holder << " holds the migration lock)";
      else if (l == "failed")
        out << "ran without a transaction and failed" << (failed_statement(en, history) == 1 ? " at its first statement" : "");
      else if (l == "partial")
        out << "ran without a transaction and failed at statement " << failed_statement(en, history)
            << ": the statements before it are applied";
      else if (l == "running") out << "ran without a transaction and was interrupted; part of it may be applied";
      else if (l == "modified") out << "edited after it was applied";
      else if (l == "missing") out << "applied, but the file is gone";
      else if (l == "out-of-order") out << "pending, but older than migrations already applied";
      if (en.row && !en.row->error_message.empty())
        out << "\n  error: " << (en.row->error_sqlstate.empty() ? "" : en.row->error_sqlstate + ": ") << en.row->error_message;
      else if (auto f = history.last_failure.find(en.version); f != history.last_failure.end() && l == "rolled-back") {
        const auto& d = f->second.detail;
        if (d.contains("message") && d["message"].is_string())
          out << "\n  error (" << f->second.at << "): "
              << (d.contains("sqlstate") && d["sqlstate"].is_string() && !d["sqlstate"].get<std::string>().empty()
                      ? d["sqlstate"].get<std::string>() + ": "
                      : "")
              << d["message"].get<std::string>();
      }
      if (!invalid[i].empty()) out << "\n  left behind: " << describe_invalid(invalid[i]);
      auto steps = next_steps(en, l, history, invalid[i]);
      if (!steps.empty()) out << "\n  next:\n" << numbered_steps(steps, "    ");
      out << "\n";
    }
    if (drift_ran) {
      if (drift.items.empty()) {
        out << "\nDrift: none; the schema matches the " << drift.applied_files << " applied migration(s).\n";
      } else {
        out << "\nDrift: the schema differs from the applied migrations in " << drift.items.size()
            << " place(s) (changed by hand?); `pgsafe apply` refuses until it is resolved:\n";
        size_t shown = 0;
        for (const auto& item : drift.items) {
          if (shown++ == 10) {
            out << "  ... and " << drift.items.size() - 10 << " more\n";
            break;
          }
          out << "  " << item.message() << "\n";
        }
        out << "  next: `pgsafe drift` for all of them; `pgsafe drift --emit-migration <dir>` captures them as a "
               "migration\n";
      }
    } else if (!drift_error.empty()) {
      out << "\nDrift: not compared: " << drift_error << "\n";
    }
  }
  if (!opts.exit_code) return exit_code::kOk;
  if (broken) return exit_code::kInterrupted;
  if (pending_work || (drift_ran && !drift.items.empty())) return exit_code::kValidation;
  return exit_code::kOk;
}

}  // namespace pgsafe::applier
