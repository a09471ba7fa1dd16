// ban-drop-table: DROP TABLE deletes the table and every row in it.
#include <algorithm>

#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-table",
    .category = "destructive",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "Dropping a table deletes all of its data.",
    .rationale =
        "DROP TABLE takes an ACCESS EXCLUSIVE lock and removes the table and every row in it; there is "
        "no undo short of restoring a backup. Code still reading or writing the table starts failing "
        "the moment the migration commits, and CASCADE silently drops views and foreign keys that "
        "depend on it.",
    .help = "Stop using the table in application code first and deploy that. Then rename it (or move it "
            "to an `archive` schema) in one migration, and drop it in a later one once nothing broke. "
            "If the drop is intended, say so: `-- pgsafe-ignore ban-drop-table: <why the data can go>`.",
    .bad_example = "DROP TABLE invoices;",
    .good_example = "-- release 1: stop reading and writing invoices in the application\n"
                    "-- release 2:\nALTER TABLE invoices RENAME TO invoices_deprecated;\n"
                    "-- release 3, after a safe period:\n"
                    "-- pgsafe-ignore ban-drop-table: replaced by billing.invoices, unused since release 1\n"
                    "DROP TABLE invoices_deprecated;",
    .locks = "ACCESS EXCLUSIVE on the table",
};

// How `qualified` is rebuilt from a query later in the file ("CREATE TABLE ... AS", "CREATE VIEW",
// "CREATE MATERIALIZED VIEW", or CREATE TABLE then INSERT ... SELECT), or "". Only statements of
// those kinds after this one are looked at.
std::string rebuilt_later(const StatementContext& ctx, const std::string& qualified) {
  const auto& stmts = ctx.parsed.statements();
  const size_t none = stmts.size();
  // The first statement of `kind` after this one that `matches`, or none.
  auto first = [&](int kind, auto&& matches, size_t after) {
    const auto& at = ctx.parsed.statements_of_kind(kind);
    for (size_t k = ctx.parsed.first_of_kind_after(kind, after); k < at.size(); ++k)
      if (const pg_query::Node* n = stmts[at[k]].node; n && matches(*n)) return static_cast<size_t>(at[k]);
    return none;
  };
  size_t as = first(pg_query::Node::kCreateTableAsStmt, [&](const pg_query::Node& n) {
    const auto& c = n.create_table_as_stmt();
    return c.into().has_rel() && Catalog::qualify(c.into().rel().schemaname(), c.into().rel().relname()) == qualified;
  }, ctx.index);
  size_t view = first(pg_query::Node::kViewStmt, [&](const pg_query::Node& n) {
    return Catalog::qualify(n.view_stmt().view().schemaname(), n.view_stmt().view().relname()) == qualified;
  }, ctx.index);
  size_t created = first(pg_query::Node::kCreateStmt, [&](const pg_query::Node& n) {
    return Catalog::qualify(n.create_stmt().relation().schemaname(), n.create_stmt().relation().relname()) == qualified;
  }, ctx.index);
  size_t filled = created == none ? none : first(pg_query::Node::kInsertStmt, [&](const pg_query::Node& n) {
    const auto& ins = n.insert_stmt();
    return Catalog::qualify(ins.relation().schemaname(), ins.relation().relname()) == qualified && ins.has_select_stmt() &&
           ins.select_stmt().has_select_stmt() && ins.select_stmt().select_stmt().values_lists_size() == 0;
  }, created);
  size_t earliest = std::min({as, view, filled});
  if (earliest == none) return {};
  if (earliest == as)
    return stmts[as].node->create_table_as_stmt().objtype() == pg_query::OBJECT_MATVIEW ? "CREATE MATERIALIZED VIEW"
                                                                                          : "CREATE TABLE ... AS";
  if (earliest == view) return "CREATE VIEW";
  return "CREATE TABLE then INSERT ... SELECT";
}

class BanDropTable final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kDropStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& drop = ctx.node().drop_stmt();
    if (drop.remove_type() != pg_query::OBJECT_TABLE) return;
    for (const auto& obj : drop.objects()) {
      if (!obj.has_list()) continue;
      std::string name = tree::join_names(obj.list().items());
      std::string schema = obj.list().items_size() >= 2 ? tree::string_value(obj.list().items(obj.list().items_size() - 2)) : "";
      std::string qualified = Catalog::qualify(schema, tree::last_name(obj.list().items()));
      // A table created earlier in this same file holds no data anyone depends on yet.
      if (ctx.table_is_new(qualified)) continue;
      // A derived table dropped and built again from a query later in this file (CREATE TABLE ...
      // AS, a view or materialized view of the same name): its rows come back from their source.
      if (std::string how = rebuilt_later(ctx, qualified); !how.empty()) {
        Finding f = ctx.at_statement("DROP TABLE " + name + " deletes its rows, but " + how +
                                     " later in this file rebuilds it from a query: check that the query yields every row");
        f.severity = Severity::Info;
        out.add(std::move(f));
        continue;
      }
      std::string msg = "DROP TABLE " + name + " deletes the table and all of its rows";
      if (drop.behavior() == pg_query::DROP_CASCADE) msg += ", and CASCADE also drops every view and foreign key that depends on it";
      out.add(ctx.at_statement(msg));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_drop_table, kMeta, BanDropTable)
