// ban-drop-not-null: ALTER COLUMN ... DROP NOT NULL lets a column hold NULLs readers do not expect.
#include "analyzer/rule.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-not-null",
    .category = "breaking-change",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "Dropping NOT NULL lets a column hold NULLs that existing readers do not expect.",
    .rationale =
        "Code, reports, views and downstream consumers written against the column were entitled to "
        "assume every row has a value: non-optional fields in ORM models and generated API types, "
        "`WHERE col <> 'x'` filters that silently drop NULL rows, aggregates and joins on the column. "
        "Once the constraint is gone, the first NULL written by new code breaks them at run time, "
        "possibly long after the migration ran. The change itself is quick but takes an ACCESS "
        "EXCLUSIVE lock on the table, so it waits for running queries and blocks everything queued "
        "behind it. Putting the constraint back later requires a full scan and fails if NULLs have "
        "arrived in the meantime.",
    .help = "Make every reader handle NULL first (model fields optional, queries NULL-safe with "
            "`IS DISTINCT FROM` or COALESCE, consumers informed), deploy that, and only then drop the "
            "constraint in a later migration; set a short `lock_timeout` for the ALTER. If NULL can be "
            "avoided, keep the constraint and give the column a DEFAULT instead. When the change is "
            "reviewed, record it: `-- pgsafe-ignore ban-drop-not-null: <who reads it and how they cope>`.",
    .bad_example = "ALTER TABLE orders ALTER COLUMN shipped_at DROP NOT NULL;",
    .good_example = "-- release 1: Order.shippedAt becomes optional in the model and every query copes with NULL\n"
                    "-- release 2:\n"
                    "SET lock_timeout = '2s';\n"
                    "-- pgsafe-ignore ban-drop-not-null: readers handle NULL since release 1\n"
                    "ALTER TABLE orders ALTER COLUMN shipped_at DROP NOT NULL;",
    .locks = "ACCESS EXCLUSIVE on the table (brief: only the catalog changes)",
};

class BanDropNotNull final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kAlterTableStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& alter = ctx.node().alter_table_stmt();
    if (alter.objtype() != pg_query::OBJECT_TABLE) return;
    const auto& rv = alter.relation();
    // Nobody reads a table created earlier in this file yet.
    if (ctx.table_is_new(Catalog::qualify(rv.schemaname(), rv.relname()))) return;
    for (const auto& c : alter.cmds()) {
      if (!c.has_alter_table_cmd() || c.alter_table_cmd().subtype() != pg_query::AT_DropNotNull) continue;
      if (ctx.column_is_new(Catalog::qualify(rv.schemaname(), rv.relname()), c.alter_table_cmd().name())) continue;
      // Made NOT NULL earlier in this file, or by the up file this down file reverts.
      if (ctx.state.not_null_set_in_file.count(Catalog::qualify(rv.schemaname(), rv.relname()) + "." + c.alter_table_cmd().name()))
        continue;
      std::string column = sql_ident(c.alter_table_cmd().name());
      out.add(ctx.at_statement("dropping NOT NULL on column " + column + " of " + sql_name(rv) +
                               " lets it hold NULLs; code and consumers that assume " + column +
                               " always has a value can break"));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_drop_not_null, kMeta, BanDropNotNull)
