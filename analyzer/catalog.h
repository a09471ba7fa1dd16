#pragma once
// The schema catalog: DDL of the whole ordered migration set replayed into an in-memory model.
// Rules read it as it stood before the statement they check; only the engine applies statements.
// What the set does not define is unknown, and rules must degrade (say nothing) for it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pg_query { class Node; }

namespace pgsafe {

// Where an object was defined: which file of the set, which byte range.
struct SourceRef {
  int file = -1;          // index into the migration set, -1 when unknown
  uint32_t begin = 0;
  uint32_t end = 0;
};

struct ColumnType {
  std::string name;        // canonical base name: int4, int8, varchar, text, numeric, timestamptz, ...
  std::string schema;      // "" for built-ins resolved by name
  std::vector<int> mods;   // typmods: varchar(50) -> {50}, numeric(10,2) -> {10, 2}
  int array_dims = 0;
  std::string display;     // as written: "varchar(50)"
  bool operator==(const ColumnType&) const = default;
};

struct Column {
  std::string name;
  ColumnType type;
  bool not_null = false;
  bool has_default = false;
  bool identity = false;
  bool generated = false;
};

enum class ConstraintKind { PrimaryKey, ForeignKey, Unique, Check, Exclusion, NotNull };

struct Constraint {
  std::string name;
  ConstraintKind kind = ConstraintKind::Check;
  std::vector<std::string> columns;
  std::string ref_table;                // "schema.table" for foreign keys
  std::vector<std::string> ref_columns;
  bool validated = true;                // false after ADD ... NOT VALID until VALIDATE
  SourceRef source;
};

struct Index {
  std::string name;                     // "schema.name"
  std::string table;                    // "schema.table"
  std::vector<std::string> columns;     // "" for an expression element
  bool unique = false;
  bool primary = false;
  bool partial = false;
  bool valid = true;
  SourceRef source;
};

struct Table {
  std::string schema;
  std::string name;
  std::vector<Column> columns;
  std::vector<Constraint> constraints;
  bool partitioned = false;
  bool unlogged = false;
  bool rls_enabled = false;
  bool rls_forced = false;
  SourceRef created;

  std::string qualified() const { return schema + "." + name; }
  const Column* find_column(const std::string& col) const;
  Column* find_column(const std::string& col);
};

class Catalog {
 public:
  // Resolve a possibly unqualified name against the default search_path (public).
  static std::string qualify(const std::string& schema, const std::string& name);

  const Table* find_table(const std::string& schema, const std::string& name) const;
  const Table* find_table(const std::string& qualified) const;
  const Index* find_index(const std::string& qualified) const;
  std::vector<const Index*> indexes_on(const std::string& qualified_table) const;
  const std::map<std::string, Table>& tables() const { return tables_; }
  const std::map<std::string, Index>& indexes() const { return indexes_; }

  // Replay one parsed statement; where says which file and range it came from.
  void apply(const pg_query::Node& stmt, const SourceRef& where);

  Table* mutable_table(const std::string& qualified);

 private:
  friend class CatalogReplayer;
  std::map<std::string, Table> tables_;     // key "schema.table"
  std::map<std::string, Index> indexes_;    // key "schema.index"
};

}  // namespace pgsafe
