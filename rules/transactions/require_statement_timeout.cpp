// require-statement-timeout: a statement that takes a lock blocking writes, with no statement_timeout set before it.
#include "rules/transactions/tx_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "require-statement-timeout",
    .category = "transactions",
    .default_severity = Severity::Warning,
    .enabled_by_default = false,
    .summary = "Set statement_timeout before the first statement that takes a lock blocking writes.",
    .rationale = 
        "Once granted, a lock is held until the transaction ends: a statement that takes SHARE or stronger "
        "on a busy table (writes blocked) or ACCESS EXCLUSIVE (reads blocked too) and then runs for minutes "
        "- a table rewrite, a validation scan, an index build - is an outage for as long as it runs. "
        "`statement_timeout` caps how long any statement may run, so a migration that turns out slower than "
        "expected in production is cancelled (and rolled back) instead of blocking the application "
        "indefinitely. pgsafe reports the first statement of a file that takes such a lock on a table that "
        "existed before the file when no `SET statement_timeout` or `SET LOCAL statement_timeout` came "
        "before it (custom settings such as `app.statement_timeout` do not count; 0 turns it off). Off by "
        "default: pgsafe's applier sets statement_timeout itself; turn it on when migrations are applied by "
        "another tool",
    .help = "Start the migration with `SET statement_timeout = '5min';` (sized to what the migration should take) "
            "and rework statements that need longer into online forms (CONCURRENTLY, NOT VALID + VALIDATE, "
            "batched backfills). Turn the rule on in .pgsafe.toml: `[rules.require-statement-timeout]` "
            "`severity = \"warning\"`.",
    .bad_example = "-- .pgsafe.toml: [rules.require-statement-timeout] severity = \"warning\"\n"
                   "ALTER TABLE orders ADD COLUMN note text;",
    .good_example = "SET statement_timeout = '5min';\n"
                    "ALTER TABLE orders ADD COLUMN note text;",
    .locks = "whatever the statement takes: SHARE or stronger on a table that already exists",
    .options = {{"value", "string", "5min", "the statement_timeout the fix sets"}},
};

class RequireStatementTimeout final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {kAnyStatement}; }
  void check(const StatementContext& ctx, Findings& out) override {
    if (seen_.changed(ctx)) reported_ = false;
    if (reported_ || ctx.state.statement_timeout_set) return;
    auto locks = transactions::heavy_locks(ctx);
    if (locks.empty()) return;
    reported_ = true;
    std::string table = locking::display(locks[0].relation);
    Finding f = ctx.at_statement(transactions::statement_name(ctx.node()) + " " + locking::takes(locks[0].mode, table) +
                                 "; no statement_timeout is set, so nothing stops it holding that lock for as long as it runs");
    std::string value = "5min";
    if (auto it = ctx.options.find("value"); it != ctx.options.end() && it->is_string()) value = it->get<std::string>();
    // A file whose only statement cannot run in a transaction would get a second statement, and
    // with it the applier's transaction: no fix there.
    bool sole_no_tx = locking::top_level_statements(ctx) == 1 && cannot_run_in_transaction(ctx.node());
    if (ctx.stmt.parent < 0 && !sole_no_tx) {
      FixSpec fix;
      fix.description = "set statement_timeout = '" + value + "' before it";
      fix.edits.push_back(locking::insert_at(ctx.stmt.begin, "SET statement_timeout = '" + value + "';\n"));
      f.fix = std::move(fix);
    }
    out.add(std::move(f));
  }

 private:
  transactions::PerFile seen_;
  bool reported_ = false;
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(require_statement_timeout, kMeta, RequireStatementTimeout)
