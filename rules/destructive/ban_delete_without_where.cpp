// ban-delete-without-where: a DELETE with no WHERE clause empties the table.
#include "analyzer/rule.h"
#include "rules/support/dml.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-delete-without-where",
    .category = "destructive",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "A DELETE without a WHERE clause deletes every row of the table.",
    .rationale =
        "Without a WHERE clause DELETE removes every row, which in a migration is far more often a "
        "forgotten or lost condition than an intent; the rows are gone once the transaction commits. "
        "On a large table it also runs for a long time: it locks every row it deletes (blocking "
        "concurrent updates of them), keeps one long transaction open, fires ON DELETE triggers and "
        "foreign-key actions row by row, and leaves the table full of dead tuples for VACUUM. "
        "`DELETE ... USING other` without a WHERE joins nothing, so it still deletes every row, and a "
        "condition that is always true (`WHERE true`, `WHERE 1 = 1`) is treated as no condition. Any "
        "other WHERE counts as deliberate. DELETEs inside WITH clauses and DO blocks are checked too; "
        "tables created earlier in the same file are exempt.",
    .help = "Write the condition that selects the rows to remove (`DELETE FROM t WHERE ...`). For large "
            "tables delete in batches from a job rather than in one migration statement, for example "
            "`DELETE FROM t WHERE id IN (SELECT id FROM t WHERE <condition> LIMIT 5000)` repeated until it "
            "deletes nothing. If the table really must be emptied, say so with "
            "`-- pgsafe-ignore ban-delete-without-where: <why every row can go>`.",
    .bad_example = "DELETE FROM sessions;",
    .good_example = "DELETE FROM sessions WHERE expires_at < now() - interval '30 days';",
    .locks = "ROW EXCLUSIVE on the table, and a row lock on every deleted row",
};

class BanDeleteWithoutWhere final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return dml_carrier_kinds(); }
  void check(const StatementContext& ctx, Findings& out) override {
    for_each_executed_statement(ctx.node(), false, [&](const pg_query::Node& n, bool nested) {
      if (!n.has_delete_stmt()) return;
      const auto& del = n.delete_stmt();
      const auto& rv = del.relation();
      // A table created earlier in this file only holds rows this file put there.
      if (ctx.table_is_new(Catalog::qualify(rv.schemaname(), rv.relname()))) return;
      std::string table = sql_name(rv);
      std::string msg;
      if (!del.has_where_clause()) {
        msg = del.using_clause_size() > 0
                  ? "DELETE FROM " + table + " USING ... has no WHERE clause to join on, so it deletes every row of " +
                        table
                  : "DELETE FROM " + table + " has no WHERE clause: it deletes every row of the table";
      } else if (always_true(del.where_clause())) {
        msg = "DELETE FROM " + table + " has a WHERE clause that is always true: it deletes every row of the table";
      } else {
        return;
      }
      out.add(at_dml(ctx, rv, nested, pg_query::DELETE_P, msg));
    });
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_delete_without_where, kMeta, BanDeleteWithoutWhere)
