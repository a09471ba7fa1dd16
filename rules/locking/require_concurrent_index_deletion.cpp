// require-concurrent-index-deletion: DROP INDEX without CONCURRENTLY.
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "require-concurrent-index-deletion",
    .category = "locking",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "DROP INDEX without CONCURRENTLY blocks reads and writes of the table while it waits.",
    .rationale =
        "A plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table. The drop itself is quick, "
        "but the lock request queues behind every running query on the table, and every later read and "
        "write queues behind the request: one long report turns the drop into an outage. DROP INDEX "
        "CONCURRENTLY waits for running transactions without blocking new ones (SHARE UPDATE EXCLUSIVE); "
        "it cannot run in a transaction block, drop more than one index, or CASCADE. Indexes of tables "
        "created earlier in the same file or transaction are exempt.",
    .help = "Use DROP INDEX CONCURRENTLY (IF EXISTS) name, as the only statement of its migration so it runs "
            "outside a transaction. An index backing a constraint is dropped with ALTER TABLE ... DROP "
            "CONSTRAINT instead.",
    .bad_example = "DROP INDEX orders_customer_id_idx;",
    .good_example = "DROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;",
    .locks = "ACCESS EXCLUSIVE on the table and the index (blocks reads and writes)",
};

class RequireConcurrentIndexDeletion final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kDropStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& s = ctx.node().drop_stmt();
    if (s.remove_type() != pg_query::OBJECT_INDEX || s.concurrent()) return;
    std::vector<std::string> names;
    bool any_existing = false;
    const Index* first = nullptr;
    for (const auto& obj : s.objects()) {
      if (!obj.has_list()) continue;
      names.push_back(sql_name(obj.list().items()));
      const Index* ix = ctx.catalog.find_index(locking::key_of(obj.list().items()));
      if (names.size() == 1) first = ix;
      // Indexes created earlier in this file (or by the up file a down file reverts) and indexes on
      // new tables guard no running query yet.
      if (ctx.index_is_new(locking::key_of(obj.list().items()))) continue;
      if (!ix || !ctx.table_is_new(ix->table)) any_existing = true;
    }
    if (!any_existing || names.empty()) return;
    std::string table = first ? locking::display(first->table) : "its table";
    Finding f = ctx.at_statement("DROP INDEX " + names[0] + (names.size() > 1 ? " (and " + std::to_string(names.size() - 1) + " more)" : "") +
                                 " " + locking::takes("ACCESS EXCLUSIVE", table) + " while it waits for running queries");
    if (s.objects_size() == 1 && s.behavior() != pg_query::DROP_CASCADE)
      f.fix = locking::concurrently_fix(ctx, pg_query::INDEX, "drop the index CONCURRENTLY");
    out.add(std::move(f));
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(require_concurrent_index_deletion, kMeta, RequireConcurrentIndexDeletion)
