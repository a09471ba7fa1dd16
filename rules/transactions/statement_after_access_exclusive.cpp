// statement-after-access-exclusive: more work in a transaction that already holds ACCESS EXCLUSIVE.
#include "rules/transactions/tx_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "statement-after-access-exclusive",
    .category = "transactions",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "Statements after one that took ACCESS EXCLUSIVE run while every read and write of that table waits.",
    .rationale =
        "Locks are released only at COMMIT. Once a statement in a transaction has taken ACCESS EXCLUSIVE on "
        "a table (most ALTER TABLE forms, DROP INDEX, VACUUM FULL, ...), every statement that follows in the "
        "same transaction runs while nobody can read or write that table, so even a quick catalog change "
        "becomes an outage lasting as long as the rest of the migration. pgsafe's applier runs each file in "
        "one transaction, so this applies to the rest of the file (or of an explicit BEGIN ... COMMIT block). "
        "Locks on tables created earlier in the same file or transaction do not count; SET and transaction "
        "control statements are not reported. Reported once per transaction, at the first such statement.",
    .help = "Put the statement that takes ACCESS EXCLUSIVE last in its transaction, or in a migration of its own, "
            "so the lock is released as soon as it is done; move slow work (backfills, index builds, "
            "validations) to separate migrations that do not hold it.",
    .bad_example = "ALTER TABLE orders ADD COLUMN note text;\n"
                   "UPDATE settings SET value = 'on' WHERE key = 'notes';",
    .good_example = "UPDATE settings SET value = 'on' WHERE key = 'notes';\n"
                    "ALTER TABLE orders ADD COLUMN note text;",
    .locks = "ACCESS EXCLUSIVE held by an earlier statement of the transaction (blocks reads and writes)",
};

class StatementAfterAccessExclusive final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {kAnyStatement}; }
  void check(const StatementContext& ctx, Findings& out) override {
    if (seen_.changed(ctx)) reported_ = false;
    const auto& held = ctx.state.access_exclusive_in_transaction;
    if (held.empty() || !ctx.state.in_transaction()) {
      reported_ = false;  // a new transaction: report again
      return;
    }
    if (reported_ || ctx.stmt.parent >= 0) return;
    auto kind = ctx.node().node_case();
    if (kind == pg_query::Node::kTransactionStmt || kind == pg_query::Node::kVariableSetStmt ||
        kind == pg_query::Node::kVariableShowStmt)
      return;
    reported_ = true;
    std::string tables;
    for (const auto& t : held) tables += (tables.empty() ? "" : ", ") + locking::display(t);
    out.add(ctx.at_statement(transactions::statement_name(ctx.node()) + " runs while this transaction holds an ACCESS EXCLUSIVE lock on " +
                             tables + " (taken by an earlier statement), which blocks every read and write of " +
                             (held.size() == 1 ? "it" : "them") + " until COMMIT"));
  }

 private:
  transactions::PerFile seen_;
  bool reported_ = false;
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(statement_after_access_exclusive, kMeta, StatementAfterAccessExclusive)
