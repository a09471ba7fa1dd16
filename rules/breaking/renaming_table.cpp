// renaming-table: renaming a table (or moving it to another schema) breaks running code.
#include "analyzer/rule.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "renaming-table",
    .category = "breaking-change",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "Renaming a table, or moving it to another schema, breaks running code that uses the old name.",
    .rationale =
        "The rename is instant and loses no data, but the old name is gone the moment the migration "
        "commits. Application servers still on the previous release, workers, cron jobs, reports and "
        "other services keep querying the old name, and every such query fails until all of them are "
        "redeployed. Views, foreign keys and indexes follow the table, but SQL inside functions, "
        "application code and scripts that name the table do not. `ALTER TABLE ... SET SCHEMA` "
        "changes the qualified name in the same way and is flagged too. Both take an ACCESS EXCLUSIVE "
        "lock on the table.",
    .help = "Rename in two deploys. Rename the table and, in the same transaction, create a view with "
            "the old name (`CREATE VIEW old_name AS SELECT * FROM new_name;` — a simple view like this is "
            "updatable, so old writers keep working); move the code to the new name; drop the view in a "
            "later migration. pgsafe recognises this recipe: a rename followed, in the same transaction, by a "
            "view with the old name is not flagged. When every client is deployed together with the migration, record that: "
            "`-- pgsafe-ignore renaming-table: <why no running code uses the old name>`.",
    .bad_example = "ALTER TABLE customers RENAME TO accounts;",
    .good_example = "BEGIN;\n"
                    "ALTER TABLE customers RENAME TO accounts;\n"
                    "CREATE VIEW customers AS SELECT * FROM accounts;\n"
                    "COMMIT;\n"
                    "-- release 2, once nothing uses customers: DROP VIEW customers;",
    .locks = "ACCESS EXCLUSIVE on the table (brief: only the catalog changes)",
};

class RenamingTable final : public Rule {
 public:
  std::vector<int> subscriptions() const override {
    return {pg_query::Node::kRenameStmt, pg_query::Node::kAlterObjectSchemaStmt};
  }
  void check(const StatementContext& ctx, Findings& out) override {
    const pg_query::Node& n = ctx.node();
    if (n.has_rename_stmt()) {
      const auto& rn = n.rename_stmt();
      if (rn.rename_type() != pg_query::OBJECT_TABLE || !rn.has_relation()) return;
      const auto& rv = rn.relation();
      std::string old_name = Catalog::qualify(rv.schemaname(), rv.relname());
      if (ctx.table_is_new(old_name) || view_replaces_old_name(ctx, old_name)) return;
      // Renamed earlier in this file, or by the up file this down file reverts: renaming it back.
      if (ctx.renamed_here("table", old_name)) return;
      out.add(ctx.at_statement("renaming table " + sql_name(rv) + " to " + sql_ident(rn.newname()) +
                               " breaks running code that still uses the old name"));
    } else if (n.has_alter_object_schema_stmt()) {
      const auto& mv = n.alter_object_schema_stmt();
      if (mv.object_type() != pg_query::OBJECT_TABLE || !mv.has_relation()) return;
      const auto& rv = mv.relation();
      std::string old_name = Catalog::qualify(rv.schemaname(), rv.relname());
      if (ctx.table_is_new(old_name) || view_replaces_old_name(ctx, old_name)) return;
      out.add(ctx.at_statement("moving table " + sql_name(rv) + " to schema " + sql_ident(mv.newschema()) +
                               " renames it to " + sql_ident(mv.newschema()) + "." + sql_ident(rv.relname()) +
                               "; running code that uses the old name breaks"));
    }
  }

 private:
  // The two-phase recipe: later in the same transaction, a view takes over the old name, so
  // old code never sees it missing. Only the statements after this one, up to the end of the
  // transaction, are looked at, and only for a rename.
  static bool view_replaces_old_name(const StatementContext& ctx, const std::string& old_name) {
    if (!ctx.state.in_transaction()) return false;
    const auto& stmts = ctx.parsed.statements();
    // The end of the transaction: a COMMIT or ROLLBACK in the file ends it even when the applier
    // opened it.
    size_t end = stmts.size();
    const auto& tx = ctx.parsed.statements_of_kind(pg_query::Node::kTransactionStmt);
    for (size_t k = ctx.parsed.first_of_kind_after(pg_query::Node::kTransactionStmt, ctx.index); k < tx.size(); ++k) {
      if (!stmts[tx[k]].node) continue;
      auto kind = stmts[tx[k]].node->transaction_stmt().kind();
      if (kind == pg_query::TRANS_STMT_COMMIT || kind == pg_query::TRANS_STMT_ROLLBACK) {
        end = tx[k];
        break;
      }
    }
    const auto& views = ctx.parsed.statements_of_kind(pg_query::Node::kViewStmt);
    for (size_t k = ctx.parsed.first_of_kind_after(pg_query::Node::kViewStmt, ctx.index); k < views.size() && views[k] < end; ++k) {
      if (!stmts[views[k]].node) continue;
      const auto& v = stmts[views[k]].node->view_stmt().view();
      if (Catalog::qualify(v.schemaname(), v.relname()) == old_name) return true;
    }
    return false;
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(renaming_table, kMeta, RenamingTable)
