#pragma once
// Synthetic rows from the schema a migration set builds (`pgsafe seed --generate`): for each
// table of the replayed catalog, in foreign-key dependency order, INSERT statements whose rows
// respect the column types, NOT NULL, UNIQUE and primary keys, foreign keys and the CHECK
// constraints pgsafe can evaluate, with values that look real for the column's name.
// Deterministic: the same catalog, options and seed give byte-identical SQL.
//
// Foreign keys are resolved by the database, not guessed: a child's rows join the parent's rows
// numbered by row_number(), so they reference rows that exist even when the parent's keys are
// identities or uuid defaults the generator never sees. Pure: no database, no libpq.
//
// What cannot be generated is reported as a Problem naming the table and column; a table that
// would get rows known to break a constraint gets none (skipped), never an invalid row.
// docs/seed-generate.md describes the rules.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyzer/catalog.h"

namespace pgsafe::synth {

// A column as the database describes it (pg_attribute), for a table whose columns the catalog
// cannot infer (CREATE TABLE AS, LIKE of a table outside the set): a load reads them.
struct DatabaseColumn {
  std::string name;
  std::string type;          // format_type(): "integer", "character varying(20)", "public.mood[]"
  bool not_null = false;
  bool has_default = false;
  bool identity = false;
  bool generated = false;
};

struct Options {
  size_t rows = 100;                          // per table
  uint64_t seed = 42;
  std::vector<std::string> tables;            // "schema.table" (see select_tables); empty: every table of the set
  // Rows each table already has: unique values and row numbers start after them, so a second
  // generation into the same tables does not collide with the first.
  std::map<std::string, uint64_t> offsets;
  // Tables that exist in the target database, when known (loading). nullopt (writing a file):
  // tables of the catalog are assumed to exist, tables outside it too for NOT NULL references.
  std::optional<std::set<std::string>> existing;
  size_t rows_per_statement = 1000;
  // The database's columns of tables for which needs_database_columns() holds.
  std::map<std::string, std::vector<DatabaseColumn>> database_columns;
};

// The catalog does not know all of the table's columns or their types.
bool needs_database_columns(const Table& table);

struct Problem {
  std::string table;      // "schema.table"
  std::string column;     // "" when about the table as a whole
  std::string message;
  bool skipped = false;   // the table gets no rows
};

struct TableInsert {
  std::string table;                    // "schema.table"
  std::vector<std::string> statements;  // INSERT statements, in order
  size_t rows = 0;                      // rows generated (in the VALUES lists)
  // Rows can be dropped by the database: inner joins against parents (none when a parent is
  // empty), parent combinations used up for a unique key made of foreign keys (ON CONFLICT DO
  // NOTHING). These are the parents whose emptiness drops rows.
  bool exact = true;
  std::vector<std::string> required_parents;
};

struct Generated {
  std::vector<TableInsert> tables;      // dependency order (parents first)
  std::vector<Problem> problems;        // in table order
};

// The tables of the catalog that `names` select: "schema.table", or a bare "table" for that
// name in every schema; names that match no table are added to unknown. Stubs of tables the set
// did not create and partitions (their rows go through the partitioned table) are not generated.
std::vector<std::string> select_tables(const Catalog& catalog, const std::vector<std::string>& names,
                                       std::vector<std::string>& unknown);

Generated generate(const Catalog& catalog, const Options& options);

// The whole script: a header naming rows and seed, problems as comments, then per table its
// statements, in one transaction.
std::string render_script(const Generated& generated, const Options& options);

}  // namespace pgsafe::synth
