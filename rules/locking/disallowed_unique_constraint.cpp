// disallowed-unique-constraint: ADD UNIQUE (or ADD COLUMN ... UNIQUE) builds its index under
// ACCESS EXCLUSIVE; build it CONCURRENTLY and attach it with USING INDEX.
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "disallowed-unique-constraint",
    .category = "locking",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "Adding a UNIQUE constraint builds its index while blocking every read and write.",
    .rationale =
        "ALTER TABLE ... ADD CONSTRAINT ... UNIQUE (and ADD COLUMN ... UNIQUE) takes an ACCESS EXCLUSIVE lock "
        "on the table and builds the unique index while holding it, so reads and writes wait for the whole "
        "build. UNIQUE cannot be NOT VALID (PostgreSQL rejects it); the online way is to build the index "
        "first with CREATE UNIQUE INDEX CONCURRENTLY (SHARE UPDATE EXCLUSIVE) and then attach it, which only "
        "needs a brief ACCESS EXCLUSIVE lock. Tables created earlier in the same file or transaction are "
        "exempt.",
    .help = "Build the index online, then turn it into the constraint:\n"
            "  CREATE UNIQUE INDEX CONCURRENTLY t_email_key ON t (email);   -- a migration of its own\n"
            "  ALTER TABLE t ADD CONSTRAINT t_email_key UNIQUE USING INDEX t_email_key;",
    .bad_example = "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
    .good_example = "-- 20240101000000_index.sql (its only statement)\n"
                    "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n"
                    "-- 20240102000000_constraint.sql\n"
                    "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;",
    .locks = "ACCESS EXCLUSIVE on the table (blocks reads and writes) while the index is built",
};

class DisallowedUniqueConstraint final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kAlterTableStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    locking::report_index_building_constraint(
        ctx, out, pg_query::CONSTR_UNIQUE, "UNIQUE", [](const pg_query::Constraint& c, const std::string& table) {
          std::string name = c.conname().empty() ? "a UNIQUE constraint" : "UNIQUE constraint " + sql_ident(c.conname());
          return "adding " + name + " builds a unique index on " + table;
        });
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(disallowed_unique_constraint, kMeta, DisallowedUniqueConstraint)
