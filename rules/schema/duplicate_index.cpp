// duplicate-index: a new index with the same table, columns and predicate as an existing one.
#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "duplicate-index",
    .category = "schema",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "An index that duplicates an existing index (same table, columns and predicate).",
    .rationale =
        "A second index on the same columns with the same predicate answers no query the first cannot, but "
        "every INSERT and UPDATE pays to maintain it, it takes disk and cache, and building it takes a SHARE "
        "lock (writes blocked) unless built CONCURRENTLY. A non-unique index duplicating a unique one (or a "
        "primary key) is equally redundant; a unique index over a plain one is not reported, since it adds a "
        "constraint.",
    .help = "Drop the new index from the migration, or, if it replaces the old one, drop the old one "
            "(DROP INDEX CONCURRENTLY) once the new one is built.",
    .bad_example = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
                   "CREATE INDEX users_email_idx ON users (email);\n"
                   "CREATE INDEX users_email_lookup ON users (email);",
    .good_example = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
                    "CREATE INDEX users_email_idx ON users (email);\n"
                    "CREATE INDEX users_active_email_idx ON users (email) WHERE deleted_at IS NULL;",
};

// The first index (in name order) of the same table, keys, predicate and method. Looked up by
// that shape: a table with thousands of indexes costs one lookup per new index, not a pass over all.
const Index* duplicate_of(const Catalog& c, const Index& ix) {
  return c.find_index_shaped_like(ix.table, ix.keys, ix.predicate, ix.method, [&](const Index& other) {
    return other.name != ix.name && other.valid && (other.unique || !ix.unique);
  });
}

class DuplicateIndex final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kIndexStmt, pg_query::Node::kAlterTableStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    if (ctx.node().has_index_stmt()) {
      const auto& s = ctx.node().index_stmt();
      Index ix = index_from_statement(ctx.catalog, s);
      if (s.if_not_exists() && ctx.catalog.find_index(ix.name)) return;  // a no-op, not a new index
      if (const Index* dup = duplicate_of(ctx.catalog, ix))
        out.add(ctx.at_statement(message(ix.short_name(), ix.table, *dup)));
      return;
    }
    const auto& s = ctx.node().alter_table_stmt();
    if (s.objtype() != pg_query::OBJECT_TABLE) return;
    std::string table = Catalog::qualify(s.relation().schemaname(), s.relation().relname());
    for (const auto& n : s.cmds()) {
      if (!n.has_alter_table_cmd() || n.alter_table_cmd().subtype() != pg_query::AT_AddConstraint) continue;
      const auto& def = n.alter_table_cmd().def();
      if (!def.has_constraint() || !def.constraint().indexname().empty()) continue;
      const auto& con = def.constraint();
      if (con.contype() != pg_query::CONSTR_UNIQUE && con.contype() != pg_query::CONSTR_PRIMARY) continue;
      Index ix;
      ix.table = table;
      for (const auto& k : con.keys()) ix.keys.push_back(tree::string_value(k));
      ix.unique = true;
      if (const Index* dup = duplicate_of(ctx.catalog, ix)) {
        std::string what = con.contype() == pg_query::CONSTR_PRIMARY ? "the primary key" : "the unique constraint";
        if (!con.conname().empty()) what += " " + quote_ident(con.conname());
        out.add(ctx.at_location(con.location(), message(what, table, *dup)));
      }
    }
  }

 private:
  static std::string message(const std::string& what, const std::string& table, const Index& dup) {
    std::string keys;
    for (const auto& k : dup.keys) keys += (keys.empty() ? "" : ", ") + k;
    std::string m = (what.rfind("the ", 0) == 0 ? what : "index " + quote_ident(what)) + " on " + quote_qualified(table) +
                    " duplicates index " + quote_ident(dup.short_name()) + " (" + keys + ")";
    if (!dup.predicate.empty()) m += " WHERE " + dup.predicate;
    return m;
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(duplicate_index, kMeta, DuplicateIndex)
