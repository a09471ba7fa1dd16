// require-concurrent-index-creation: CREATE INDEX without CONCURRENTLY on a table that exists.
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "require-concurrent-index-creation",
    .category = "locking",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "CREATE INDEX without CONCURRENTLY blocks writes to the table for the whole build.",
    .rationale =
        "A plain CREATE INDEX takes a SHARE lock on the table for as long as the build runs: reads go on, "
        "but every INSERT, UPDATE and DELETE waits, and on a large table that is minutes to hours of failed "
        "or queued writes. CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE instead, which lets reads "
        "and writes continue; it scans the table twice and cannot run inside a transaction block. Tables "
        "created earlier in the same file or transaction are exempt: nobody else can use them yet.",
    .help = "Build the index with CREATE INDEX CONCURRENTLY, in a migration of its own (a file whose only "
            "statement it is runs outside a transaction). If the build fails it leaves an INVALID index: "
            "drop it (DROP INDEX CONCURRENTLY) and retry. A partitioned table cannot be indexed concurrently: "
            "CREATE INDEX ... ON ONLY the parent, build each partition's index CONCURRENTLY, then ALTER INDEX "
            "... ATTACH PARTITION each one.",
    .bad_example = "CREATE INDEX orders_customer_id_idx ON orders (customer_id);",
    .good_example = "-- the migration's only statement: applied outside a transaction\n"
                    "CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);",
    .locks = "SHARE on the table (blocks writes) for the whole build",
};

class RequireConcurrentIndexCreation final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kIndexStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& s = ctx.node().index_stmt();
    if (s.concurrent() || locking::exempt(ctx, s.relation())) return;
    std::string table = sql_name(s.relation());
    const Table* t = ctx.catalog.find_table(locking::table_key(s.relation()));
    bool partitioned = t && t->partitioned;
    Finding f = ctx.at_statement("CREATE INDEX on existing table " + table + " " +
                                 locking::takes("SHARE", table) + " until the index is built");
    if (partitioned) {
      f.help = "A partitioned table cannot be indexed CONCURRENTLY. Create the index ON ONLY " + table +
               " (instant, marked invalid), build each partition's index with CREATE INDEX CONCURRENTLY, then "
               "ALTER INDEX <parent index> ATTACH PARTITION <partition index> for each partition.";
      if (!s.relation().inh()) return;  // already ON ONLY: nothing is built here
    } else {
      f.fix = locking::concurrently_fix(ctx, pg_query::INDEX, "build the index CONCURRENTLY");
    }
    out.add(std::move(f));
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(require_concurrent_index_creation, kMeta, RequireConcurrentIndexCreation)
