#pragma once
// What one statement does, for plans: its kind and the tables and columns it touches. The only
// part of the applier that reads parse trees (it needs the generated protobuf header).
#include <string>
#include <vector>

namespace pg_query { class Node; }

namespace pgsafe::applier {

struct StatementSummary {
  std::string kind;                   // "ALTER TABLE", "CREATE INDEX", ...
  std::vector<std::string> tables;    // relations named, as written
  std::vector<std::string> columns;   // "table.column" added, altered, dropped or indexed
  // BEGIN/COMMIT/ROLLBACK/PREPARE TRANSACTION...: would end the transaction pgsafe wraps a file in.
  bool transaction_control = false;
  // CREATE INDEX with a name: the index (schema from the table when it is qualified, "" otherwise),
  // so the applier can check it is valid before recording the file.
  std::string index_schema, index_name;
  bool concurrently = false;
  bool if_not_exists = false;
};

StatementSummary summarize_statement(const pg_query::Node& stmt);
// Merge what a nested statement (inside a DO block) touches into its parent's summary.
void merge_summary(StatementSummary& into, const StatementSummary& nested);

}  // namespace pgsafe::applier
