#pragma once
// The schema catalog: DDL of the whole ordered migration set replayed into an in-memory model.
// Rules read it as it stood before the statement they check; only the engine applies statements.
// What the set does not define is unknown, and rules must degrade (say nothing) for it: a table
// the set only alters (created outside it) is a stub with `known == false`, whose columns,
// indexes, policies and RLS state are only what the set itself did to it.
//
// Plain values in std::maps: the catalog is cheap to copy (the engine copies it for each down
// file) and lookups are logarithmic, so replaying thousands of files stays fast.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pg_query { class Node; class IndexStmt; }

namespace pgsafe {

// Where an object was defined: which file of the set, which byte range. For constraints and
// policies the range is narrowed to their definition where the parse tree locates it.
struct SourceRef {
  int file = -1;          // index into the migration set, -1 when unknown
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t base = 0;      // add to parse-tree locations of the statement to get file offsets
};

struct ColumnType {
  std::string name;        // canonical base name: int4, int8, varchar, text, numeric, timestamptz, ...
  std::string schema;      // "" for built-ins and unqualified names
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
  bool generated_virtual = false;  // PostgreSQL 18 VIRTUAL (computed on read; the default kind in 18)
  std::string default_expr;     // SQL of the default ("" when none or not renderable)
  std::string identity_kind;    // "ALWAYS" or "BY DEFAULT" for identity columns
  std::string generated_expr;   // SQL of a GENERATED ALWAYS AS (...) STORED expression
  std::string collation;
  bool type_known = true;       // false for columns of CREATE TABLE AS whose type pgsafe cannot infer
};

enum class ConstraintKind { PrimaryKey, ForeignKey, Unique, Check, Exclusion, NotNull };
std::string_view to_string(ConstraintKind k);

struct Constraint {
  std::string name;
  ConstraintKind kind = ConstraintKind::Check;
  std::vector<std::string> columns;
  std::string ref_table;                // "schema.table" for foreign keys
  std::vector<std::string> ref_columns;
  bool validated = true;                // false after ADD ... NOT VALID until VALIDATE
  SourceRef source;                     // narrowed to the constraint's definition
  std::string expr;                     // CHECK expression as SQL
  std::string on_delete, on_update;     // FK actions: "" (NO ACTION), "CASCADE", "SET NULL", ...
  bool deferrable = false;
};

struct Index {
  std::string name;                     // "schema.name"
  std::string table;                    // "schema.table"
  std::vector<std::string> columns;     // "" for an expression element
  bool unique = false;
  bool primary = false;
  bool partial = false;
  bool valid = true;                    // false for an ONLY index on a partitioned table
  SourceRef source;
  std::vector<std::string> keys;        // per element: the column, or the expression as SQL
  std::string predicate;                // WHERE of a partial index, as SQL
  std::string method = "btree";
  std::vector<std::string> include;     // INCLUDE columns
  std::string constraint;               // the PK/UNIQUE/EXCLUDE constraint owning it, "" for CREATE INDEX
  bool concurrently = false;            // built with CREATE INDEX CONCURRENTLY
  std::string short_name() const;       // name without the schema
};

struct Policy {
  std::string name;
  std::string command = "all";          // all, select, insert, update, delete
  bool permissive = true;
  std::vector<std::string> roles;       // "public" when none were named
  std::string using_expr, check_expr;   // SQL; "" when absent
  bool using_true = false, check_true = false;  // the expression is literally true
  SourceRef source;
};

// privileges by grantee ("public" for PUBLIC): select, insert, update, delete, truncate, references, trigger
using Grants = std::map<std::string, std::set<std::string>>;

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

  bool known = true;            // created by the set (false: a stub for a table from outside it)
  bool columns_known = true;    // the column list is complete (false: LIKE/AS/INHERITS of an unknown source, stubs)
  bool rls_known = true;        // rls_enabled is a fact (stubs: only after ENABLE/DISABLE in the set)
  std::string partition_of;     // "schema.parent" for a partition
  std::vector<std::string> inherits;
  std::vector<Policy> policies;
  Grants grants;
  SourceRef rls_changed;        // the statement that last enabled or disabled RLS

  std::string qualified() const { return schema + "." + name; }
  const Column* find_column(const std::string& col) const;
  Column* find_column(const std::string& col);
  const Policy* find_policy(const std::string& policy) const;
  const Constraint* find_constraint(const std::string& constraint) const;
  const Constraint* primary_key() const;
};

struct View {
  std::string schema;
  std::string name;
  bool materialized = false;
  bool security_invoker = false;
  bool security_barrier = false;
  std::string check_option;             // "", "local", "cascaded"
  std::vector<std::string> columns;     // the names it exposes, when knowable
  SourceRef created;
  std::string qualified() const { return schema + "." + name; }
};

struct Function {
  std::string schema;
  std::string name;
  std::vector<std::string> arg_types;   // input argument types as written
  bool procedure = false;
  bool security_definer = false;
  bool sets_search_path = false;        // has a SET search_path (any value, or FROM CURRENT)
  std::string search_path;              // its value as SQL
  std::string language;
  std::string returns;
  std::string volatility = "volatile";  // volatile, stable or immutable (PostgreSQL's default: volatile)
  SourceRef created;
  std::string qualified() const { return schema + "." + name; }
  std::string signature() const;        // "schema.name(type, type)": the catalog key
};

enum class UserTypeKind { Enum, Domain, Composite, Other };

struct UserType {
  std::string schema;
  std::string name;
  UserTypeKind kind = UserTypeKind::Other;
  std::vector<std::string> labels;      // enum values in order
  ColumnType base;                      // domain base type
  bool not_null = false;                // domain NOT NULL
  std::vector<std::string> checks;      // domain CHECK expressions as SQL
  std::vector<Column> attributes;       // composite attributes
  SourceRef created;
  std::string qualified() const { return schema + "." + name; }
};

struct Schema {
  std::string name;
  SourceRef created;
};

struct Extension {
  std::string name;
  std::string schema;                   // WITH SCHEMA as written, "" when not named
  SourceRef created;
};

// The catalog's indexes by name, with the lookups that must stay fast however many indexes one
// table has (a set can create tens of thousands): the indexes of a table and the indexes of one
// shape (table, method, keys, predicate), kept beside the names and updated by every change.
// Every change goes through put/erase/update, so the lookups cannot go stale.
class IndexSet {
 public:
  const std::map<std::string, Index>& all() const { return by_name_; }
  const Index* find(const std::string& name) const;
  bool contains(const std::string& name) const { return by_name_.count(name) > 0; }
  // Adds the index named ix.name, replacing one of that name.
  void put(Index ix);
  bool erase(const std::string& name);
  // Changes one index (fn(Index&) may change its name, table, keys or anything else); false when
  // there is no index of that name. Renamed onto a name another index has, it is dropped and the
  // other kept (PostgreSQL refuses such a rename; the catalog never merges two indexes).
  template <typename Fn>
  bool update(const std::string& name, Fn&& fn) {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return false;
    Index ix = std::move(it->second);
    unlink(ix);
    by_name_.erase(it);
    note_removed(name);
    fn(ix);
    if (!by_name_.count(ix.name)) put(std::move(ix));
    return true;
  }
  // Names of the indexes on a table, in name order.
  std::vector<std::string> names_on(const std::string& table) const;
  // Names of the indexes of one shape, in name order (see shape_key).
  const std::set<std::string>* names_shaped(const std::string& shape) const;
  static std::string shape_key(const std::string& table, const std::string& method, const std::string& predicate,
                               const std::vector<std::string>& keys);
  // How many times a name of this family (a name with its trailing digits removed) left the
  // set: name choices remembered for the family are void once it changes.
  uint64_t removals(const std::string& family) const;

 private:
  friend class CatalogCodec;  // the history cache stores and restores the catalog whole
  void link(const Index& ix);
  void unlink(const Index& ix);
  void note_removed(const std::string& name);
  std::map<std::string, Index> by_name_;                   // key "schema.index"
  std::map<std::string, std::set<std::string>> by_table_;  // "schema.table" -> index names
  std::map<std::string, std::set<std::string>> by_shape_;  // shape_key -> index names
  std::map<std::string, uint64_t> removed_;                // name family -> removals
};

class Catalog {
 public:
  // Resolve a possibly unqualified name against the default search_path (public).
  static std::string qualify(const std::string& schema, const std::string& name);

  const Table* find_table(const std::string& schema, const std::string& name) const;
  const Table* find_table(const std::string& qualified) const;
  const Index* find_index(const std::string& qualified) const;
  // The indexes of a table, in name order.
  std::vector<const Index*> indexes_on(const std::string& qualified_table) const;
  // The first index, in name order, of a table with exactly these keys (as Index::keys),
  // predicate and method that `accept` takes; null when none. Only indexes of that shape are
  // looked at, however many the table has.
  const Index* find_index_shaped_like(const std::string& qualified_table, const std::vector<std::string>& keys,
                                      const std::string& predicate, const std::string& method,
                                      const std::function<bool(const Index&)>& accept) const;
  // The name PostgreSQL gives an index or constraint it names itself in `schema`: base_label,
  // else base_label1, base_label2, ... (the first that no index or table has). Remembered per
  // name family, so naming n indexes alike costs n steps, not n squared.
  std::string choose_name(const std::string& schema, const std::string& base, const std::string& label) const;
  const View* find_view(const std::string& qualified) const;
  const Function* find_function(const std::string& signature) const;
  // Every overload of "schema.name".
  std::vector<const Function*> functions_named(const std::string& qualified) const;
  const UserType* find_type(const std::string& qualified) const;
  // The user type a column type names (unqualified names resolve in public), or null.
  const UserType* user_type(const ColumnType& t) const;
  // A domain's base type, followed through nested domains; other types unchanged.
  ColumnType resolve_domain(const ColumnType& t) const;

  const std::map<std::string, Table>& tables() const { return tables_; }
  const std::map<std::string, Index>& indexes() const { return indexes_.all(); }
  const std::map<std::string, View>& views() const { return views_; }
  const std::map<std::string, Function>& functions() const { return functions_; }
  const std::map<std::string, UserType>& types() const { return types_; }
  const std::map<std::string, Schema>& schemas() const { return schemas_; }
  // CREATE EXTENSION in the set, by extension name.
  const std::map<std::string, Extension>& extensions() const { return extensions_; }
  // ALTER DEFAULT PRIVILEGES for tables: schema ("" for all schemas) -> grants.
  const std::map<std::string, Grants>& default_table_privileges() const { return default_privileges_; }

  // Replay one parsed statement; where says which file and range it came from. text, when
  // given, is the file's text: it lets definitions be located to their own line.
  void apply(const pg_query::Node& stmt, const SourceRef& where, std::string_view text = {});

  Table* mutable_table(const std::string& qualified);

 private:
  friend class CatalogReplayer;
  friend class CatalogCodec;
  // A table left the catalog (dropped, renamed): name choices remembered for its family are void.
  void note_table_removed(const std::string& key);
  std::map<std::string, Table> tables_;       // key "schema.table"
  IndexSet indexes_;                          // key "schema.index"
  std::map<std::string, View> views_;         // key "schema.view"
  std::map<std::string, Function> functions_; // key Function::signature()
  std::map<std::string, UserType> types_;     // key "schema.type"
  std::map<std::string, Schema> schemas_;     // key name; created in the set
  std::map<std::string, Extension> extensions_;  // key extension name
  std::map<std::string, Grants> default_privileges_;
  std::map<std::string, uint64_t> tables_removed_;  // name family -> removals (as IndexSet::removals)
  // "schema.base_label" -> the first suffix not known taken when last asked, and the removals
  // of the family then (a removal since voids it). A cache only: copies and lookups never see it.
  struct NameHint {
    uint64_t next = 0;  // 0: the bare base_label, k: base_label + k
    uint64_t index_removals = 0;
    uint64_t table_removals = 0;
  };
  mutable std::map<std::string, NameHint> name_hints_;
};

// The index a CREATE INDEX statement defines (name chosen as PostgreSQL would, given the catalog).
Index index_from_statement(const Catalog& catalog, const pg_query::IndexStmt& stmt);

// An identifier as SQL needs it: quoted when folding would change it.
std::string quote_ident(std::string_view id);
// A string as an SQL literal: 'it''s'.
std::string quote_literal(std::string_view s);
// "schema.name" quoted part by part.
std::string quote_qualified(std::string_view qualified);

}  // namespace pgsafe
