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
    .options = {{"value", "duration", "\"5min\"", "the statement_timeout the fix sets, a number and a unit: us, ms, s, min, h or d"}},
};

class RequireStatementTimeout final : public transactions::MissingTimeoutRule {
 public:
  RequireStatementTimeout()
      : MissingTimeoutRule({"statement_timeout", &FileState::statement_timeout_set, "5min",
                            "; no statement_timeout is set, so nothing stops it holding that lock for as long as it runs"}) {}
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(require_statement_timeout, kMeta, RequireStatementTimeout)
