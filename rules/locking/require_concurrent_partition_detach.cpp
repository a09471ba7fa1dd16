// require-concurrent-partition-detach: ALTER TABLE ... DETACH PARTITION without CONCURRENTLY.
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "require-concurrent-partition-detach",
    .category = "locking",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "DETACH PARTITION without CONCURRENTLY blocks reads and writes of the whole partitioned table.",
    .rationale =
        "A plain ALTER TABLE ... DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned (parent) "
        "table and on the partition: every read and write of any partition queues behind it, and the request "
        "itself waits for every running query. From PostgreSQL 14, DETACH PARTITION ... CONCURRENTLY takes "
        "only SHARE UPDATE EXCLUSIVE on the parent, so queries go on; it cannot run in a transaction block "
        "and is refused when the parent has a default partition. Not reported below PostgreSQL 14 (config "
        "`pg_version`), nor for tables created earlier in the same file or transaction.",
    .help = "Use ALTER TABLE parent DETACH PARTITION child CONCURRENTLY as the only statement of its migration, "
            "so it runs outside a transaction. If it is interrupted, finish it with ALTER TABLE parent DETACH "
            "PARTITION child FINALIZE.",
    .bad_example = "ALTER TABLE measurements DETACH PARTITION measurements_2019;",
    .good_example = "ALTER TABLE measurements DETACH PARTITION measurements_2019 CONCURRENTLY;",
    .locks = "ACCESS EXCLUSIVE on the parent and the partition (blocks reads and writes)",
};

class RequireConcurrentPartitionDetach final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kAlterTableStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    if (ctx.settings.pg_version < 14) return;
    const auto& s = ctx.node().alter_table_stmt();
    if (locking::exempt(ctx, s.relation())) return;
    for (const auto& c : s.cmds()) {
      if (!c.has_alter_table_cmd()) continue;
      const auto& cmd = c.alter_table_cmd();
      if (cmd.subtype() != pg_query::AT_DetachPartition || !cmd.def().has_partition_cmd()) continue;
      const auto& pc = cmd.def().partition_cmd();
      if (pc.concurrent()) continue;
      std::string parent = sql_name(s.relation());
      Finding f = ctx.at_statement("DETACH PARTITION " + sql_name(pc.name()) + " " +
                                   locking::takes("ACCESS EXCLUSIVE", parent) + " and every partition of it");
      if (s.cmds_size() == 1 && !ctx.state.in_explicit_transaction && ctx.stmt.parent < 0) {
        // The keyword goes after the partition's name, which ends the statement.
        FixSpec fix;
        fix.description = "detach CONCURRENTLY";
        fix.edits.push_back(locking::insert_at(ctx.stmt.end, " CONCURRENTLY"));
        if (ctx.state.wrapped_by_applier && locking::top_level_statements(ctx) > 1) {
          fix.safe = false;
          fix.description += " and run the file outside a transaction (`-- pgsafe:no-transaction`; better, move "
                             "this statement to a migration of its own)";
          fix.edits.insert(fix.edits.begin(), locking::insert_at(0, "-- pgsafe:no-transaction\n"));
        }
        f.fix = std::move(fix);
      }
      out.add(std::move(f));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(require_concurrent_partition_detach, kMeta, RequireConcurrentPartitionDetach)
