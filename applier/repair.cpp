// pgsafe repair: the only way to change history by hand, each change under the migration lock
// and written to the append-only event log with its reason.
#include <iostream>

#include "applier/applier.h"
#include "applier/history.h"
#include "applier/local_set.h"
#include "applier/lock.h"
#include "applier/session.h"

namespace pgsafe::applier {

int run_repair(const RepairOptions& opts, std::ostream& out, std::ostream& err) {
  using json = nlohmann::json;
  if (!check_common(opts, err) || !check_seconds("--lock-wait", opts.lock_wait, err)) return exit_code::kUsage;
  int actions = (opts.accept_checksum ? 1 : 0) + (opts.mark_applied ? 1 : 0) + (opts.mark_rolled_back ? 1 : 0);
  if (actions != 1) {
    print_error(err, "repair takes exactly one of --accept-checksum, --mark-applied, --mark-rolled-back");
    return exit_code::kUsage;
  }
  if (!opts.reason || opts.reason->empty()) {
    print_error(err, "repair needs --reason TEXT: it is written to the audit log");
    return exit_code::kUsage;
  }
  std::string action = opts.accept_checksum ? "accept-checksum" : opts.mark_applied ? "mark-applied" : "mark-rolled-back";
  std::string version = opts.accept_checksum ? *opts.accept_checksum : opts.mark_applied ? *opts.mark_applied : *opts.mark_rolled_back;

  LocalSet local;
  std::vector<std::string> errors;
  if (!load_local(LocalOptions{opts.dir, opts.config}, local, errors)) {
    for (const auto& e : errors) print_error(err, e);
    return exit_code::kUsage;
  }
  Connection conn, lock_conn;
  if (!open_connection(opts, conn, err) || !open_connection(opts, lock_conn, err)) return exit_code::kConnection;
  LockKey key = lock_key(opts.history_schema);
  LockAttempt lock = acquire_lock(lock_conn, key, opts.lock_wait, [&](const std::string& holder) {
    err << "pgsafe: waiting for the migration lock" << (holder.empty() ? "" : ", held by " + holder) << "\n";
  });
  if (lock.outcome == LockOutcome::TimedOut) {
    print_error(err, "another applier holds the migration lock" + (lock.holder.empty() ? "" : ": " + lock.holder));
    return exit_code::kLockTimeout;
  }
  if (lock.outcome == LockOutcome::Error) {
    print_error(err, "cannot take the migration lock: " + lock.error.message);
    return exit_code::kConnection;
  }
  HistoryStore store(conn, opts.history_schema);
  History history;
  PgError e;
  if (!store.read(history, e)) {
    print_error(err, "cannot read the history: " + e.message);
    return exit_code::kConnection;
  }
  if (!history.exists) {
    print_error(err, "schema " + opts.history_schema + " has no pgsafe history to repair");
    return exit_code::kValidation;
  }
  const HistoryRow* row = history.find(version);
  const LocalMigration* file = local.find(version);
  Actor actor = Actor::current();
  json detail = {{"action", action}};
  if (row) detail["previous"] = {{"status", row->status}, {"checksum", row->checksum}, {"file", row->file}};

  auto refuse = [&](const std::string& why) {
    print_error(err, why);
    return exit_code::kValidation;
  };
  if (!conn.exec("BEGIN", &e)) return exit_code::kConnection;
  bool ok = true;
  std::string done;
  if (action == "accept-checksum") {
    if (!row || (row->status != "applied" && row->status != "baseline")) return refuse("version " + version + " is not recorded as applied");
    if (!file) return refuse("version " + version + " has no file in " + local.dir + " whose checksum could be accepted");
    if (file->checksum == row->checksum) return refuse(file->file + " already matches its recorded checksum");
    detail["checksum"] = file->checksum;
    ok = store.update_checksum(version, file->checksum, file->file, e);
    done = "accepted the current checksum of " + file->file;
  } else if (action == "mark-applied") {
    if (row && (row->status == "applied" || row->status == "baseline")) return refuse("version " + version + " is already applied");
    if (row) {
      ok = store.finish_row(version, "applied", 0, e);
    } else {
      if (!file) return refuse("version " + version + " is neither in the history nor in " + local.dir);
      HistoryStore::RowWrite r{file->version, file->name, file->file, file->checksum, to_string(file->tx_mode), "applied",
                               static_cast<int>(file->statements.size()), 0, "", ""};
      ok = store.insert_row(r, actor, e);
    }
    done = "marked " + version + " as applied";
  } else {
    if (!row) return refuse("version " + version + " is not in the history");
    ok = store.delete_row(version, e);
    done = "removed " + version + " from the history; it is pending again";
  }
  ok = ok && store.add_event({"repair", version, file ? file->checksum : "", "", *opts.reason, detail}, actor, e);
  Result c = ok ? conn.exec("COMMIT", &e) : nullptr;
  if (!c || std::string(PQcmdStatus(c.get())) != "COMMIT") {
    conn.exec("ROLLBACK");
    print_error(err, "repair failed, nothing changed: " + e.message);
    return exit_code::kConnection;
  }
  out << "Repaired: " << done << " (reason: " << *opts.reason << ")\n";
  return exit_code::kOk;
}

}  // namespace pgsafe::applier
