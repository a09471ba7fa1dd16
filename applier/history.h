#pragma once
// The history tables, in their own schema (default `pgsafe`):
//   pgsafe_migrations        one row per applied (or running/failed non-transactional) file
//   pgsafe_migration_events  append-only log: apply, fail, baseline, repair, approve, emergency
//   pgsafe_meta              key/value: history_format, environment
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "applier/pg.h"

namespace pgsafe::applier {

inline constexpr int kHistoryFormat = 1;

struct HistoryRow {
  std::string version, name, file, checksum, tx_mode, status;
  std::string started_at, finished_at;  // as the server prints timestamptz, "" when NULL
  std::string plan_hash, approved_by;
  std::string error_sqlstate, error_message;
};

struct History {
  bool exists = false;                    // the tables are there
  int format = 0;
  std::vector<HistoryRow> rows;           // ordered by version as text; callers re-sort
  std::map<std::string, std::string> meta;
  long long events = 0;
  // Per version whose latest event (apply, fail, baseline, repair) is a failure: when, and the
  // failure's detail as recorded (statement, sqlstate, message, invalid_indexes, next, ...).
  struct Failure {
    std::string at;
    nlohmann::json detail;
  };
  std::map<std::string, Failure> last_failure;
  const HistoryRow* find(const std::string& version) const;
  // The versions the database contains: rows applied, or recorded by --baseline.
  std::set<std::string> applied_versions() const;
};

// Who is running pgsafe, written with every row and event.
struct Actor {
  std::string os_user, host, tool_version;
  static Actor current();
};

class HistoryStore {
 public:
  HistoryStore(Connection& conn, std::string schema) : conn_(conn), schema_(std::move(schema)) {}

  const std::string& schema() const { return schema_; }
  std::string table(const char* name) const;  // quoted schema.name

  // Read everything; works on a read-only session and when the tables do not exist.
  bool read(History& out, PgError& err);
  // Create or upgrade the tables (call under the migration lock). False with err on failure.
  bool ensure(PgError& err, std::string& problem);
  bool set_meta(const std::string& key, const std::string& value, PgError& err);

  struct Event {
    std::string kind;        // apply | fail | baseline | repair | approve | emergency
    std::string version;     // "" when not about one file
    std::string checksum, plan_hash, reason;
    nlohmann::json detail = nlohmann::json::object();
  };
  bool add_event(const Event& e, const Actor& who, PgError& err);

  struct RowWrite {
    std::string version, name, file, checksum, tx_mode, status;
    int statements = 0;
    std::optional<long long> duration_ms;
    std::string plan_hash, approved_by;
  };
  // Insert (status running/applied/baseline) with started_at = the transaction's start.
  bool insert_row(const RowWrite& r, const Actor& who, PgError& err);
  bool finish_row(const std::string& version, const std::string& status, long long duration_ms, PgError& err);
  bool fail_row(const std::string& version, const std::string& sqlstate, const std::string& message,
                const std::string& position, PgError& err);
  bool update_checksum(const std::string& version, const std::string& checksum, const std::string& file, PgError& err);
  bool delete_row(const std::string& version, PgError& err);

  // User relations outside system schemas, extensions and the history schema: a database with
  // any has been migrated by something else. Returns the count and up to three names.
  bool user_relations(long long& count, std::vector<std::string>& examples, PgError& err);

 private:
  Connection& conn_;
  std::string schema_;
};

}  // namespace pgsafe::applier
