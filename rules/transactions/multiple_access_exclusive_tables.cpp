// multiple-access-exclusive-tables: one transaction takes ACCESS EXCLUSIVE on several existing tables.
#include "rules/transactions/tx_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "multiple-access-exclusive-tables",
    .category = "transactions",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "A transaction that takes ACCESS EXCLUSIVE on more than one existing table blocks them all and risks deadlock.",
    .rationale =
        "Each ACCESS EXCLUSIVE lock blocks every read and write of its table and is held until COMMIT. A "
        "transaction that collects them on several tables keeps all of them unusable until the last "
        "statement finishes, waits in several lock queues in turn (each wait stalling the tables already "
        "locked), and can deadlock with application transactions that touch the same tables in the other "
        "order. Tables created earlier in the same file or transaction do not count.",
    .help = "Change one table per migration (one transaction each), or at least per transaction, with a short "
            "`lock_timeout` so a blocked lock request fails fast instead of stalling the tables already locked.",
    .bad_example = "ALTER TABLE orders ADD COLUMN note text;\n"
                   "ALTER TABLE customers ADD COLUMN note text;",
    .good_example = "-- 20240101000000_orders_note.sql\n"
                    "ALTER TABLE orders ADD COLUMN note text;\n"
                    "-- 20240101000001_customers_note.sql\n"
                    "ALTER TABLE customers ADD COLUMN note text;",
    .locks = "ACCESS EXCLUSIVE on each table (blocks reads and writes) until COMMIT",
};

class MultipleAccessExclusiveTables final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {kAnyStatement}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& held = ctx.state.access_exclusive_in_transaction;
    if (held.empty() || !ctx.state.in_transaction()) return;
    for (const auto& l : transactions::heavy_locks(ctx)) {
      if (l.mode != "ACCESS EXCLUSIVE" || ctx.state.access_exclusive_held(l.relation)) continue;
      std::string before;
      for (const auto& t : held) before += (before.empty() ? "" : ", ") + locking::display(t);
      out.add(ctx.at_statement(transactions::statement_name(ctx.node()) + " takes an ACCESS EXCLUSIVE lock on " + locking::display(l.relation) +
                               " while the same transaction already holds one on " + before +
                               ": all of them stay blocked for reads and writes until COMMIT, and lock order conflicts "
                               "with application transactions can deadlock"));
      return;
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(multiple_access_exclusive_tables, kMeta, MultipleAccessExclusiveTables)
