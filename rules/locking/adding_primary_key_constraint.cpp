// adding-primary-key-constraint: ADD PRIMARY KEY (or ADD COLUMN ... PRIMARY KEY) builds its index
// under ACCESS EXCLUSIVE; build it CONCURRENTLY and attach it with USING INDEX.
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "adding-primary-key-constraint",
    .category = "locking",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "Adding a PRIMARY KEY builds its index (and may scan for NULLs) while blocking every read and write.",
    .rationale =
        "ALTER TABLE ... ADD PRIMARY KEY takes an ACCESS EXCLUSIVE lock on the table and, while holding it, "
        "builds a unique index and sets NOT NULL on each key column that lacks it (a full scan each), so "
        "reads and writes wait for all of it. PRIMARY KEY cannot be NOT VALID (PostgreSQL rejects it); the "
        "online way is to build the unique index first with CREATE UNIQUE INDEX CONCURRENTLY (SHARE UPDATE "
        "EXCLUSIVE) on NOT NULL columns and then attach it with USING INDEX, which only needs a brief lock. "
        "Tables created earlier in the same file or transaction are exempt.",
    .help = "Make the key columns NOT NULL without a long lock (on PostgreSQL 12+: CHECK (col IS NOT NULL) NOT "
            "VALID, VALIDATE, SET NOT NULL), then:\n"
            "  CREATE UNIQUE INDEX CONCURRENTLY t_pkey ON t (id);        -- a migration of its own\n"
            "  ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey;",
    .bad_example = "ALTER TABLE events ADD PRIMARY KEY (id);",
    .good_example = "-- 20240101000000_index.sql (its only statement)\n"
                    "CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);\n"
                    "-- 20240102000000_constraint.sql\n"
                    "ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;",
    .locks = "ACCESS EXCLUSIVE on the table (blocks reads and writes) while the index is built",
};

class AddingPrimaryKeyConstraint final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kAlterTableStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    locking::report_index_building_constraint(
        ctx, out, pg_query::CONSTR_PRIMARY, "as PRIMARY KEY", [](const pg_query::Constraint&, const std::string& table) {
          return "adding a PRIMARY KEY builds a unique index on " + table + " (and checks its columns for NULLs)";
        });
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(adding_primary_key_constraint, kMeta, AddingPrimaryKeyConstraint)
