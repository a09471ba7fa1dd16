// ban-update-without-where: an UPDATE with no WHERE clause overwrites every row.
#include "analyzer/rule.h"
#include "rules/support/dml.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-update-without-where",
    .category = "destructive",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "An UPDATE without a WHERE clause overwrites every row of the table.",
    .rationale =
        "Without a WHERE clause UPDATE rewrites every row, replacing the old values of the assigned "
        "columns for good once the transaction commits; in a migration that is usually a condition that "
        "was forgotten. On a large table it is also slow and disruptive: it writes a new version of every "
        "row in one long transaction, holds a row lock on each (so concurrent writers wait until the "
        "migration commits), fires triggers row by row and can double the table's size until VACUUM catches "
        "up. `UPDATE ... FROM other` without a WHERE has no join condition, so every row is still "
        "updated, from an arbitrary row of the other table; a condition that is always true "
        "(`WHERE true`, `WHERE 1 = 1`) is treated as none. Any other WHERE counts as deliberate. UPDATEs "
        "inside WITH clauses and DO blocks are checked too; tables created earlier in the same file are "
        "exempt.",
    .help = "Add the condition that selects the rows to change. For a backfill of a large table, update "
            "in batches from a job, each in its own short transaction: "
            "`UPDATE t SET c = ... WHERE id IN (SELECT id FROM t WHERE c IS NULL LIMIT 5000)` repeated "
            "until it updates nothing. If every row must change, say so with "
            "`-- pgsafe-ignore ban-update-without-where: <why every row changes>`.",
    .bad_example = "UPDATE accounts SET plan = 'free';",
    .good_example = "UPDATE accounts SET plan = 'free'\n"
                    "WHERE id IN (SELECT id FROM accounts WHERE plan = 'trial' AND trial_ends_at < now() LIMIT 5000);",
    .locks = "ROW EXCLUSIVE on the table, and a row lock on every updated row",
};

class BanUpdateWithoutWhere final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return dml_carrier_kinds(); }
  void check(const StatementContext& ctx, Findings& out) override {
    for_each_executed_statement(ctx.node(), false, [&](const pg_query::Node& n, bool nested) {
      if (!n.has_update_stmt()) return;
      const auto& upd = n.update_stmt();
      const auto& rv = upd.relation();
      // A table created earlier in this file only holds rows this file put there.
      if (ctx.table_is_new(Catalog::qualify(rv.schemaname(), rv.relname()))) return;
      std::string table = sql_name(rv);
      std::string msg;
      if (!upd.has_where_clause()) {
        msg = upd.from_clause_size() > 0
                  ? "UPDATE " + table + " ... FROM has no WHERE clause to join on, so it overwrites every row of " +
                        table
                  : "UPDATE " + table + " has no WHERE clause: it overwrites every row of the table";
      } else if (always_true(upd.where_clause())) {
        msg = "UPDATE " + table + " has a WHERE clause that is always true: it overwrites every row of the table";
      } else {
        return;
      }
      Finding f = at_dml(ctx, rv, nested, pg_query::UPDATE, msg);
      // A backfill: every column it sets was added earlier in this file, so no value anyone wrote
      // is overwritten. What remains is a long write that locks every row: info.
      bool backfill = upd.target_list_size() > 0;
      for (const auto& t : upd.target_list())
        if (!t.has_res_target() || !ctx.column_is_new(Catalog::qualify(rv.schemaname(), rv.relname()), t.res_target().name()))
          backfill = false;
      if (backfill) {
        f.message = "UPDATE " + table + " backfills columns added earlier in this file on every row: no stored value is "
                    "overwritten, but one long transaction locks every row of " + table + " until it commits";
        f.help = "On a large table, backfill in batches outside the migration (`UPDATE ... WHERE id BETWEEN ...`), "
                 "or accept the single UPDATE for a small table.";
        f.severity = Severity::Info;
      }
      out.add(std::move(f));
    });
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_update_without_where, kMeta, BanUpdateWithoutWhere)
