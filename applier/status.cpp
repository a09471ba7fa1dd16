// pgsafe status: files and history side by side, on a read-only session, without the lock.
#include <iomanip>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "applier/applier.h"
#include "applier/history.h"
#include "applier/local_set.h"
#include "applier/session.h"
#include "applier/state.h"

namespace pgsafe::applier {

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
  if (!open_connection(opts, conn, err)) return exit_code::kConnection;
  conn.exec("SET default_transaction_read_only = on");
  PgError e;
  if (!conn.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", &e)) {
    print_error(err, "cannot start a read-only transaction: " + e.message);
    return exit_code::kConnection;
  }
  HistoryStore store(conn, opts.history_schema);
  History history;
  if (!store.read(history, e)) {
    print_error(err, "cannot read the history in schema " + opts.history_schema + ": " + e.message);
    return exit_code::kConnection;
  }
  std::string database = conn.scalar("SELECT current_database()").value_or("");
  conn.exec("ROLLBACK");
  std::vector<Entry> entries = compare(local, history);

  std::map<std::string, int> counts;
  for (const char* s : {"applied", "pending", "modified", "missing", "failed", "running", "baseline", "out-of-order"})
    counts[s] = 0;
  for (const auto& en : entries) ++counts[to_string(en.state)];
  bool broken = counts["failed"] || counts["running"];
  bool drift = counts["pending"] || counts["modified"] || counts["missing"] || counts["out-of-order"];
  std::string environment = history.meta.count("environment") ? history.meta["environment"] : "";

  if (opts.format == "json") {
    json migrations = json::array();
    for (const auto& en : entries) {
      std::string checksum = en.local ? en.local->checksum : en.row->checksum;
      json m = {{"version", en.version},
                {"name", en.name()},
                {"file", en.file()},
                {"state", to_string(en.state)},
                {"checksum", checksum},
                {"applied_at", en.row && !en.row->finished_at.empty() ? json(en.row->finished_at) : json(nullptr)}};
      if (en.row && en.state == State::Modified) m["applied_checksum"] = en.row->checksum;
      if (en.row && !en.row->error_message.empty())
        m["error"] = {{"sqlstate", en.row->error_sqlstate}, {"message", en.row->error_message}};
      migrations.push_back(m);
    }
    json summary = json::object();
    for (const auto& [k, v] : counts) summary[k] = v;
    summary["total"] = entries.size();
    out << json{{"database", database},
                {"environment", environment.empty() ? json(nullptr) : json(environment)},
                {"history", history.exists},
                {"migrations", migrations},
                {"summary", summary}}
               .dump(2, ' ', false, json::error_handler_t::replace)
        << "\n";
  } else {
    size_t width = 4;
    for (const auto& en : entries) width = std::max(width, en.file().size());
    out << "Database \"" << database << "\"" << (environment.empty() ? "" : " (" + environment + ")")
        << (history.exists ? "" : ", no pgsafe history yet") << "\n";
    out << std::left << std::setw(14) << "STATE" << std::setw(static_cast<int>(width) + 2) << "FILE" << "APPLIED AT\n";
    for (const auto& en : entries) {
      out << std::left << std::setw(14) << to_string(en.state) << std::setw(static_cast<int>(width) + 2) << en.file()
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
    if (broken) out << "A non-transactional migration needs repair: see `pgsafe apply` for the exact command.\n";
    else if (counts["modified"] || counts["missing"]) out << "Applied files changed or disappeared: `pgsafe apply` will refuse until that is resolved.\n";
  }
  if (!opts.exit_code) return exit_code::kOk;
  if (broken) return exit_code::kInterrupted;
  if (drift) return exit_code::kValidation;
  return exit_code::kOk;
}

}  // namespace pgsafe::applier
