#pragma once
// Recovery that knows PostgreSQL: what a failed file left behind (INVALID indexes from a failed
// CONCURRENTLY build), and the exact steps to run next for each state a file can be left in.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "applier/history.h"
#include "applier/local_set.h"
#include "applier/pg.h"
#include "applier/state.h"

namespace pgsafe::applier {

struct InvalidIndex {
  std::string name;   // as PostgreSQL prints the regclass (schema-qualified when not on search_path)
  std::string table;
  bool unique = false;
  bool ready = false;  // indisready: writes maintain it (and a unique one rejects new duplicates)
};

// INVALID indexes (pg_index.indisvalid false) that the file names in CREATE INDEX, or, with
// on_tables, on any table the file touches (a REINDEX CONCURRENTLY leaves `<name>_ccnew`). Indexes
// of a partitioned table built ON ONLY (invalid until every partition's index is attached) are
// not failures and are left out. Empty when none, or when the query fails (`err` says why).
std::vector<InvalidIndex> invalid_indexes(Connection& conn, const LocalMigration& m, bool on_tables, PgError* err = nullptr);

// [{index, table, unique, ready}], for JSON output and the failure event.
nlohmann::json invalid_json(const std::vector<InvalidIndex>& indexes);

// One line per index: what it is and costs.
std::string describe_invalid(const std::vector<InvalidIndex>& indexes);

// The steps after a failed non-transactional file: drop what it left, fix the cause, tell the
// history, re-run. `failed_statement` is 1-based (0: unknown); statements before it are applied.
std::vector<std::string> recovery_steps(const LocalMigration* m, const std::string& version,
                                        const std::vector<InvalidIndex>& invalid, int failed_statement,
                                        const std::string& cause_hint);

// What to run next for an entry in a state (state_label) that needs more than `pgsafe apply`,
// with the INVALID indexes it left; {"`pgsafe apply`"} for pending, {} when nothing is needed.
// What apply's refusal and status both print.
std::vector<std::string> next_steps(const Entry& e, const std::string& label, const History& history,
                                    const std::vector<InvalidIndex>& invalid);

// The steps numbered, one per line, each line starting with indent.
std::string numbered_steps(const std::vector<std::string>& steps, const std::string& indent);

}  // namespace pgsafe::applier
