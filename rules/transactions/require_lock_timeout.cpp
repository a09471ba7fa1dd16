// require-lock-timeout: a statement that takes a lock blocking writes, with no lock_timeout set before it.
#include "rules/transactions/tx_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "require-lock-timeout",
    .category = "transactions",
    .default_severity = Severity::Warning,
    .enabled_by_default = false,
    .summary = "Set lock_timeout before the first statement that takes a lock blocking writes.",
    .rationale = 
        "A statement that needs a lock other sessions hold waits in the lock queue, and while it waits every "
        "later query that conflicts with it waits behind it: an ALTER TABLE (ACCESS EXCLUSIVE) stuck behind "
        "one long SELECT stops all reads and writes of the table; a CREATE INDEX (SHARE) stuck the same way "
        "stops all writes. `lock_timeout` bounds that wait, so the migration fails fast and can be retried "
        "instead of taking the application down. pgsafe reports the first statement of a file that takes "
        "SHARE or stronger on a table that existed before the file when neither `SET lock_timeout` nor `SET "
        "LOCAL lock_timeout` came before it (a custom setting such as `app.lock_timeout` does not count, "
        "and setting it to 0 turns it off). Off by default: pgsafe's applier sets lock_timeout itself; "
        "turn it on when migrations are applied by another tool",
    .help = "Start the migration with `SET lock_timeout = '2s';` (or SET LOCAL inside a transaction) and retry "
            "the migration when it times out, ideally with backoff. Turn the rule on in .pgsafe.toml: "
            "`[rules.require-lock-timeout]` `severity = \"warning\"`.",
    .bad_example = "-- .pgsafe.toml: [rules.require-lock-timeout] severity = \"warning\"\n"
                   "ALTER TABLE orders ADD COLUMN note text;",
    .good_example = "SET lock_timeout = '2s';\n"
                    "ALTER TABLE orders ADD COLUMN note text;",
    .locks = "whatever the statement takes: SHARE or stronger on a table that already exists",
    .options = {{"value", "duration", "\"2s\"", "the lock_timeout the fix sets, a number and a unit: us, ms, s, min, h or d"}},
};

class RequireLockTimeout final : public transactions::MissingTimeoutRule {
 public:
  RequireLockTimeout()
      : MissingTimeoutRule({"lock_timeout", &FileState::lock_timeout_set, "2s",
                            "; no lock_timeout is set, so while it waits for that lock every conflicting query queues behind it"}) {}
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(require_lock_timeout, kMeta, RequireLockTimeout)
