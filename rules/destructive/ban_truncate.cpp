// ban-truncate: TRUNCATE empties a table (and with CASCADE, the tables referencing it).
#include "analyzer/rule.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-truncate",
    .category = "destructive",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "TRUNCATE deletes every row of a table.",
    .rationale =
        "TRUNCATE removes all rows at once by swapping in new, empty storage. It takes an ACCESS "
        "EXCLUSIVE lock, so it waits behind every running query on the table and blocks all reads and "
        "writes while it waits and runs; ON DELETE triggers do not fire, and the rows are gone for good "
        "once the transaction commits. With CASCADE it also empties every table that has a foreign key "
        "to the truncated one, and the tables referencing those, without naming them.",
    .help = "Delete the rows you mean with a WHERE clause, in batches small enough not to hold locks for "
            "long (for example `DELETE FROM t WHERE id IN (SELECT id FROM t WHERE <condition> LIMIT 5000)` "
            "repeated until no row is left), and never rely on CASCADE to find the dependent tables: name "
            "them. When emptying the table is really intended (a cache, a staging table), confirm it: "
            "`-- pgsafe-ignore ban-truncate: <why the rows can go>`.",
    .bad_example = "TRUNCATE orders CASCADE;",
    .good_example = "-- remove only what must go, in batches, from a job rather than a migration:\n"
                    "DELETE FROM orders\n"
                    "WHERE id IN (SELECT id FROM orders WHERE created_at < '2020-01-01' LIMIT 5000);",
    .locks = "ACCESS EXCLUSIVE on each truncated table",
};

class BanTruncate final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kTruncateStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& tr = ctx.node().truncate_stmt();
    bool cascade = tr.behavior() == pg_query::DROP_CASCADE;
    for (const auto& r : tr.relations()) {
      if (!r.has_range_var()) continue;
      const auto& rv = r.range_var();
      // A table created earlier in this file only holds rows this file put there.
      if (ctx.table_is_new(Catalog::qualify(rv.schemaname(), rv.relname()))) continue;
      std::string msg = "TRUNCATE " + sql_name(rv) + " deletes every row of the table";
      if (cascade)
        msg += ", and CASCADE also empties every table with a foreign key referencing it, without naming them";
      out.add(ctx.at_statement(msg));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_truncate, kMeta, BanTruncate)
