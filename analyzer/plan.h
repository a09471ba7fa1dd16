#pragma once
// `pgsafe plan`: what each migration file will do, derived statically from the catalog — the
// objects it creates, alters (which columns) and drops, and the lock each statement takes
// (PostgreSQL 15 lock levels). No database is needed.
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyzer/catalog.h"
#include "analyzer/migration_set.h"

namespace pg_query { class Node; }

namespace pgsafe {

struct PlanLock {
  std::string relation;   // "schema.name"
  std::string mode;       // "ACCESS EXCLUSIVE", "SHARE ROW EXCLUSIVE", ...
};

struct PlanStatement {
  uint32_t line = 0, column = 0;
  std::string kind;                 // "ALTER TABLE", "CREATE INDEX", ...
  std::vector<PlanLock> locks;
  bool rewrites = false;            // rewrites the table (type change needing it, SET LOGGED, ...)
};

struct PlanObject {
  std::string type;                 // table, index, view, function, type, schema, policy, constraint
  std::string name;
};

struct PlanAlter {
  std::string object;               // "schema.table"
  std::vector<std::string> changes; // "add column email text", "alter column id type bigint", ...
};

struct PlanFile {
  std::string path;
  std::vector<PlanObject> creates, drops;
  std::vector<PlanAlter> alters;
  std::vector<PlanStatement> statements;
};

struct Plan {
  std::vector<PlanFile> files;        // files being planned (history excluded), in order
  std::vector<InputError> errors;
  // The first statement of each file that does not parse (file, line, column, message): what it
  // does is missing from the catalog.
  std::vector<InputError> syntax_errors;
  Catalog catalog;                    // at the end of the set
};

// The locks one statement takes, given the catalog before it (PostgreSQL 15).
std::vector<PlanLock> statement_locks(const Catalog& before, const pg_query::Node& stmt, bool* rewrites = nullptr);

// Replay the set (history included) and describe every non-history file.
Plan build_plan(const MigrationSet& set, size_t max_file_size = 16u * 1024 * 1024);

nlohmann::json plan_to_json(const Plan& plan);
void write_plan_text(std::ostream& out, const Plan& plan);

}  // namespace pgsafe
