// renaming-column: renaming a column breaks every query that still uses the old name.
#include "analyzer/rule.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "renaming-column",
    .category = "breaking-change",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "Renaming a column breaks running code that uses the old name.",
    .rationale =
        "A rename is instant and loses no data, but the old name stops existing the moment the "
        "migration commits. Application servers still running the previous release, background "
        "workers, reports and other services keep sending queries with the old name, and each of those "
        "fails until they are all redeployed; during a rolling deploy there is always such a window. "
        "Views and foreign keys follow the rename, but SQL in function bodies, application code and "
        "dashboards does not. The statement takes an ACCESS EXCLUSIVE lock on the table.",
    .help = "Rename in two deploys, or avoid the rename. Expand: add the new column, keep both in sync "
            "(write both from the application, or with a trigger), backfill it in batches, and switch "
            "readers to it; contract: once nothing uses the old column, drop it in a later migration. "
            "If only readers matter, a view can expose the new name while the table keeps the old one. "
            "When every client is deployed together with the migration, record that: "
            "`-- pgsafe-ignore renaming-column: <why no running code uses the old name>`.",
    .bad_example = "ALTER TABLE users RENAME COLUMN email TO email_address;",
    .good_example = "-- release 1: add the new column and write both\n"
                    "ALTER TABLE users ADD COLUMN email_address text;\n"
                    "-- backfill in batches from a job; release 2 reads email_address only\n"
                    "-- release 3: drop email once nothing uses it",
    .locks = "ACCESS EXCLUSIVE on the table (brief: only the catalog changes)",
};

const char* relation_word(pg_query::ObjectType t) {
  switch (t) {
    case pg_query::OBJECT_VIEW: return "view";
    case pg_query::OBJECT_MATVIEW: return "materialized view";
    case pg_query::OBJECT_FOREIGN_TABLE: return "foreign table";
    default: return "table";
  }
}

class RenamingColumn final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kRenameStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& rn = ctx.node().rename_stmt();
    if (rn.rename_type() != pg_query::OBJECT_COLUMN || !rn.has_relation()) return;
    const auto& rv = rn.relation();
    // Nobody queries a table created earlier in this file yet.
    if (ctx.column_is_new(Catalog::qualify(rv.schemaname(), rv.relname()), rn.subname())) return;
    // Renamed earlier in this file, or by the up file this down file reverts: renaming it back.
    if (ctx.renamed_here("column", Catalog::qualify(rv.schemaname(), rv.relname()) + "." + rn.subname())) return;
    out.add(ctx.at_statement("renaming column " + sql_ident(rn.subname()) + " of " + relation_word(rn.relation_type()) +
                             " " + sql_name(rv) + " to " + sql_ident(rn.newname()) +
                             " breaks running code that still uses the old name"));
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(renaming_column, kMeta, RenamingColumn)
