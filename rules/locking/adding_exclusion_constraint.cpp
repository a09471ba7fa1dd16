// adding-exclusion-constraint: ADD CONSTRAINT ... EXCLUDE builds its index under ACCESS EXCLUSIVE,
// and no concurrent alternative exists.
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "adding-exclusion-constraint",
    .category = "locking",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "Adding an EXCLUDE constraint builds its index and checks every row while blocking reads and writes.",
    .rationale =
        "ALTER TABLE ... ADD CONSTRAINT ... EXCLUDE takes an ACCESS EXCLUSIVE lock on the table and, while "
        "holding it, builds the backing index and checks every pair of conflicting rows, so every read and "
        "write waits for the whole build. Unlike UNIQUE, an exclusion constraint cannot be attached from an "
        "index built CONCURRENTLY, and it cannot be NOT VALID. Tables created earlier in the same file or "
        "transaction are exempt: define exclusion constraints when the table is created.",
    .help = "Define the constraint in CREATE TABLE when you can. On an existing table, schedule it for a quiet "
            "window with a short `lock_timeout` and a retry, or copy into a new table that has the constraint "
            "(build, backfill, swap with a rename) when the table is too large for any lock of that length.",
    .bad_example = "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);",
    .good_example = "CREATE TABLE bookings (\n"
                    "  room_id bigint NOT NULL,\n"
                    "  during tstzrange NOT NULL,\n"
                    "  CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&)\n"
                    ");",
    .locks = "ACCESS EXCLUSIVE on the table (blocks reads and writes) while the index is built",
};

class AddingExclusionConstraint final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kAlterTableStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    locking::for_each_cmd_on_existing(ctx, [&](const pg_query::AlterTableStmt& s, const pg_query::AlterTableCmd& cmd) {
      if (cmd.subtype() != pg_query::AT_AddConstraint || !cmd.def().has_constraint()) return;
      const auto& c = cmd.def().constraint();
      if (c.contype() != pg_query::CONSTR_EXCLUSION) return;
      std::string table = sql_name(s.relation());
      std::string name = c.conname().empty() ? "an EXCLUDE constraint" : "EXCLUDE constraint " + sql_ident(c.conname());
      out.add(ctx.at_location(c.location(), "adding " + name + " builds its index and checks every row of " + table +
                                                " while ALTER TABLE " + locking::takes("ACCESS EXCLUSIVE", table)));
    });
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(adding_exclusion_constraint, kMeta, AddingExclusionConstraint)
