#pragma once
// Facts about single statements that several parts of pgsafe need (the engine, rules, the applier).
#include <string>

namespace pg_query { class Node; }

namespace pgsafe {

// Statements PostgreSQL refuses to run inside a transaction block (SQLSTATE 25001).
bool cannot_run_in_transaction(const pg_query::Node& stmt);
// Why, for messages: "CREATE INDEX CONCURRENTLY", "VACUUM", ...
std::string no_transaction_reason(const pg_query::Node& stmt);
// DROP INDEX, REINDEX INDEX, ALTER INDEX (and its RENAME): statements that name an index, whose
// table is known only when the catalog knows the index.
bool acts_on_index(const pg_query::Node& stmt);

}  // namespace pgsafe
