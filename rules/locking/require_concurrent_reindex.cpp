// require-concurrent-reindex: REINDEX without CONCURRENTLY.
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "require-concurrent-reindex",
    .category = "locking",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "REINDEX without CONCURRENTLY blocks writes to the table and queries that use the index.",
    .rationale =
        "A plain REINDEX takes a SHARE lock on the table (every INSERT, UPDATE and DELETE waits) and an "
        "ACCESS EXCLUSIVE lock on each index it rebuilds (every query planned to use the index waits, "
        "including plain SELECTs), for the whole rebuild. REINDEX CONCURRENTLY (PostgreSQL 12 and later) "
        "builds a replacement index with SHARE UPDATE EXCLUSIVE and swaps it in, so reads and writes go on; "
        "it cannot run in a transaction block. REINDEX SYSTEM has no concurrent form and is not flagged; "
        "tables created earlier in the same file or transaction are exempt.",
    .help = "Use REINDEX INDEX CONCURRENTLY name (or TABLE/SCHEMA/DATABASE CONCURRENTLY) as the only statement of "
            "its migration, so it runs outside a transaction. If it fails it leaves an invalid `*_ccnew` index "
            "behind: drop it and retry.",
    .bad_example = "REINDEX INDEX orders_customer_id_idx;",
    .good_example = "REINDEX INDEX CONCURRENTLY orders_customer_id_idx;",
    .locks = "SHARE on the table (blocks writes), ACCESS EXCLUSIVE on each index rebuilt (blocks reads using it)",
};

class RequireConcurrentReindex final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kReindexStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& s = ctx.node().reindex_stmt();
    if (ctx.settings.pg_version < 12) return;  // nothing to ask for before 12
    for (const auto& p : s.params())
      if (p.has_def_elem() && p.def_elem().defname() == "concurrently" && tree::def_elem_text(p.def_elem()) != "false") return;
    int keyword = 0;
    std::string what;
    switch (s.kind()) {
      case pg_query::REINDEX_OBJECT_INDEX: {
        keyword = pg_query::INDEX;
        const Index* ix = ctx.catalog.find_index(locking::table_key(s.relation()));
        if (ix && ctx.table_is_new(ix->table)) return;
        what = "REINDEX INDEX " + sql_name(s.relation()) + " " +
               locking::takes("ACCESS EXCLUSIVE", "the index") + " (and SHARE on " +
               (ix ? locking::display(ix->table) : std::string("its table")) + ", which blocks writes)";
        break;
      }
      case pg_query::REINDEX_OBJECT_TABLE:
        keyword = pg_query::TABLE;
        if (locking::exempt(ctx, s.relation())) return;
        what = "REINDEX TABLE " + sql_name(s.relation()) + " " + locking::takes("SHARE", sql_name(s.relation())) +
               ", and ACCESS EXCLUSIVE on each of its indexes (blocking reads that use them)";
        break;
      case pg_query::REINDEX_OBJECT_SCHEMA:
        keyword = pg_query::SCHEMA;
        what = "REINDEX SCHEMA " + sql_ident(s.name()) +
               " takes a SHARE lock on each table (blocking writes) and ACCESS EXCLUSIVE on each index (blocking reads that use it)";
        break;
      case pg_query::REINDEX_OBJECT_DATABASE:
        keyword = pg_query::DATABASE;
        what = "REINDEX DATABASE takes a SHARE lock on each table (blocking writes) and ACCESS EXCLUSIVE on each index "
               "(blocking reads that use it)";
        break;
      default:
        return;
    }
    Finding f = ctx.at_statement(what + " for the whole rebuild");
    f.fix = locking::concurrently_fix(ctx, keyword, "reindex CONCURRENTLY");
    out.add(std::move(f));
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(require_concurrent_reindex, kMeta, RequireConcurrentReindex)
