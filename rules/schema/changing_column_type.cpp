// changing-column-type: ALTER COLUMN ... TYPE, classified against the type the catalog knows.
#include "analyzer/catalog_types.h"
#include "analyzer/rule.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "changing-column-type",
    .category = "schema",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "Changing a column's type can rewrite the table under an ACCESS EXCLUSIVE lock, or fail and lose data.",
    .rationale =
        "ALTER COLUMN ... TYPE takes an ACCESS EXCLUSIVE lock on the table: no reads, no writes until the "
        "migration commits. Unless the change is binary coercible (varchar(n) to a longer varchar or text, "
        "numeric(p,s) to a larger precision, cidr to inet, a longer timestamp precision), PostgreSQL rewrites "
        "every row and rebuilds every index while holding that lock, which on a large table is minutes of "
        "downtime. A narrowing change (varchar(100) to varchar(50), bigint to int, text to int, a smaller "
        "numeric scale, timestamptz to date) can also fail halfway on existing rows or silently round and "
        "truncate them. pgsafe reads the old type from the migration set: a harmless change is not reported, "
        "a rewrite is a warning, a change that can fail or lose data is an error; when the old type is unknown "
        "it warns.",
    .help = "Use expand/backfill/contract instead of changing the type in place: add a new column of the new "
            "type, backfill it in batches, keep it in sync (trigger or application writes) while the code moves "
            "to it, then swap the names and drop the old column in a later release.",
    .bad_example = "-- migrations/20240101000000_create_accounts.sql\n"
                   "CREATE TABLE accounts (id int PRIMARY KEY, balance int);\n"
                   "-- migrations/20240301000000_widen_balance.sql (a later migration)\n"
                   "ALTER TABLE accounts ALTER COLUMN balance TYPE bigint;",
    .good_example = "ALTER TABLE accounts ADD COLUMN balance_new bigint;\n"
                    "-- backfill in batches, e.g. 10 000 rows per statement:\n"
                    "UPDATE accounts SET balance_new = balance WHERE id BETWEEN 1 AND 10000;\n"
                    "-- once the application writes both and reads balance_new:\n"
                    "ALTER TABLE accounts RENAME COLUMN balance TO balance_old;\n"
                    "ALTER TABLE accounts RENAME COLUMN balance_new TO balance;",
    .locks = "ACCESS EXCLUSIVE on the table, for the whole rewrite when one is needed",
};

std::string recipe(const std::string& table, const std::string& col, const std::string& type) {
  std::string tmp = col + "_new";
  return "Expand/backfill/contract instead of rewriting " + table + " under ACCESS EXCLUSIVE:\n"
         "  ALTER TABLE " + table + " ADD COLUMN " + sql_ident(tmp) + " " + type + ";\n"
         "  -- backfill in batches: UPDATE " + table + " SET " + sql_ident(tmp) + " = " + sql_ident(col) +
         " WHERE <key range>;\n"
         "  -- keep both in sync (trigger or application) until the code reads " + sql_ident(tmp) + ", then:\n"
         "  ALTER TABLE " + table + " RENAME COLUMN " + sql_ident(col) + " TO " + sql_ident(col + "_old") + ";\n"
         "  ALTER TABLE " + table + " RENAME COLUMN " + sql_ident(tmp) + " TO " + sql_ident(col) + ";\n"
         "  -- and drop " + sql_ident(col + "_old") + " in a later release.";
}

class ChangingColumnType final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kAlterTableStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& s = ctx.node().alter_table_stmt();
    if (s.objtype() != pg_query::OBJECT_TABLE) return;
    std::string qualified = Catalog::qualify(s.relation().schemaname(), s.relation().relname());
    // A table created in this file or transaction has no rows anyone waits for.
    if (ctx.table_is_new(qualified)) return;
    const Table* table = ctx.catalog.find_table(qualified);
    std::string tname = sql_name(s.relation());
    for (const auto& n : s.cmds()) {
      if (!n.has_alter_table_cmd() || n.alter_table_cmd().subtype() != pg_query::AT_AlterColumnType) continue;
      const auto& cmd = n.alter_table_cmd();
      if (ctx.column_is_new(qualified, cmd.name())) continue;  // added in this file: no rows to convert yet
      if (!cmd.def().has_column_def() || !cmd.def().column_def().has_type_name()) continue;
      const auto& def = cmd.def().column_def();
      ColumnType to = column_type_of(def.type_name());
      const pg_query::Node* using_expr = def.has_raw_default() ? &def.raw_default() : nullptr;
      const Column* col = table ? table->find_column(cmd.name()) : nullptr;
      std::string what = "column " + tname + "." + sql_ident(cmd.name());
      Finding f = ctx.at_location(def.type_name().location(), "");
      f.help = recipe(tname, cmd.name(), to.display);
      if (!col || !col->type_known) {
        f.message = "changing the type of " + what + " to " + to.display +
                    " takes an ACCESS EXCLUSIVE lock and may rewrite the whole table (its current type is not "
                    "known from the migration set)";
        out.add(std::move(f));
        continue;
      }
      TypeChange change = classify_type_change(ctx.catalog, col->type, to, using_expr, cmd.name());
      std::string from_to = what + " from " + col->type.display + " to " + to.display;
      switch (change.kind) {
        case TypeChangeKind::NoRewrite: continue;
        case TypeChangeKind::Unknown:
          f.message = "changing the type of " + from_to + " takes an ACCESS EXCLUSIVE lock and may rewrite the whole table (" +
                      change.reason + ")";
          break;
        case TypeChangeKind::Rewrite:
          f.message = "changing " + from_to + " rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock (" +
                      change.reason + ")";
          break;
        case TypeChangeKind::Unsafe:
          f.message = "changing " + from_to + " can fail or lose data: " + change.reason +
                      "; it also holds an ACCESS EXCLUSIVE lock while every row is converted";
          f.severity = Severity::Error;
          break;
      }
      // A down migration changing back a type its own up migration changed: the inverse, and the
      // values it converts are the ones the up file produced. Still worth a look on rollback.
      if (ctx.state.reverts_up && ctx.state.column_types_changed_in_file.count(qualified + "." + cmd.name())) {
        f.message += " (this down migration reverts the type change of its up migration)";
        f.severity = Severity::Info;
      }
      out.add(std::move(f));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(changing_column_type, kMeta, ChangingColumnType)
