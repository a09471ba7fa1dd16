// statement-after-access-exclusive: more work in a transaction that already holds ACCESS EXCLUSIVE.
#include "rules/transactions/tx_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "statement-after-access-exclusive",
    .category = "transactions",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "Statements after one that took ACCESS EXCLUSIVE run while every read and write of that table waits.",
    .rationale =
        "Locks are released only at COMMIT. Once a statement in a transaction has taken ACCESS EXCLUSIVE on "
        "a table (most ALTER TABLE forms, DROP INDEX, VACUUM FULL, ...), every statement that follows in the "
        "same transaction runs while nobody can read or write that table, so even a quick catalog change "
        "becomes an outage lasting as long as the rest of the migration. pgsafe's applier runs each file in "
        "one transaction, so this applies to the rest of the file (or of an explicit BEGIN ... COMMIT block). "
        "Locks on tables created earlier in the same file or transaction do not count. Only statements that "
        "take time or wait are reported: data changes (UPDATE, DELETE, INSERT ... SELECT, MERGE, COPY), "
        "queries that read tables, index builds, scans and rewrites (SET NOT NULL, VALIDATE, a validated "
        "constraint, a type change), REFRESH, VACUUM, DO and CALL, and statements that must wait for a "
        "lock on another existing table; catalog-only statements (CREATE FUNCTION, CREATE VIEW, COMMENT, "
        "GRANT, ...) finish at once. Reported once per transaction, at the first such statement.",
    .help = "Put the statement that takes ACCESS EXCLUSIVE last in its transaction, or in a migration of its own, "
            "so the lock is released as soon as it is done; move slow work (backfills, index builds, "
            "validations) to separate migrations that do not hold it.",
    .bad_example = "ALTER TABLE orders ADD COLUMN note text;\n"
                   "UPDATE settings SET value = 'on' WHERE key = 'notes';",
    .good_example = "UPDATE settings SET value = 'on' WHERE key = 'notes';\n"
                    "ALTER TABLE orders ADD COLUMN note text;",
    .locks = "ACCESS EXCLUSIVE held by an earlier statement of the transaction (blocks reads and writes)",
};

// Whether a statement can take long or wait: work done while the lock is held. Catalog-only
// statements (CREATE FUNCTION/VIEW/TYPE/TABLE, COMMENT, GRANT, policies, DROP, ALTER TABLE forms
// that neither scan nor lock another table) finish in milliseconds and are not reported.
bool does_slow_work(const StatementContext& ctx) {
  const pg_query::Node& n = ctx.node();
  auto is_new = [&](const pg_query::RangeVar& rv) { return ctx.table_is_new(Catalog::qualify(rv.schemaname(), rv.relname())); };
  switch (n.node_case()) {
    case pg_query::Node::kUpdateStmt: return !is_new(n.update_stmt().relation());
    case pg_query::Node::kDeleteStmt: return !is_new(n.delete_stmt().relation());
    case pg_query::Node::kMergeStmt: return true;
    case pg_query::Node::kInsertStmt: {
      // INSERT ... VALUES writes a few rows; INSERT ... SELECT can read whole tables.
      const auto& ins = n.insert_stmt();
      if (!ins.has_select_stmt() || !ins.select_stmt().has_select_stmt()) return false;
      return ins.select_stmt().select_stmt().values_lists_size() == 0;
    }
    case pg_query::Node::kSelectStmt: return n.select_stmt().from_clause_size() > 0 || n.select_stmt().has_larg();
    case pg_query::Node::kCreateTableAsStmt:
    case pg_query::Node::kRefreshMatViewStmt:
    case pg_query::Node::kVacuumStmt:
    case pg_query::Node::kClusterStmt:
    case pg_query::Node::kReindexStmt:
    case pg_query::Node::kCopyStmt:
    case pg_query::Node::kDoStmt:
    case pg_query::Node::kCallStmt:
      return true;
    case pg_query::Node::kIndexStmt: return !is_new(n.index_stmt().relation());
    default: break;
  }
  // Statements that scan or rewrite a table, or wait for a lock on a table not yet held.
  bool rewrites = false;
  auto locks = statement_locks(ctx.catalog, n, &rewrites);
  if (rewrites) return true;
  for (const auto& l : locks) {
    if (l.mode == "ACCESS SHARE" || l.mode == "ROW EXCLUSIVE") continue;
    if (ctx.table_is_new(l.relation) || ctx.catalog.find_index(l.relation) || ctx.catalog.find_view(l.relation)) continue;
    if (!ctx.state.access_exclusive_held(l.relation)) return true;
  }
  if (n.has_alter_table_stmt())
    for (const auto& c : n.alter_table_stmt().cmds()) {
      if (!c.has_alter_table_cmd()) continue;
      const auto& cmd = c.alter_table_cmd();
      switch (cmd.subtype()) {
        case pg_query::AT_SetNotNull:
        case pg_query::AT_ValidateConstraint:
        case pg_query::AT_AddIndex:
          return true;
        case pg_query::AT_AddConstraint:
          if (cmd.def().has_constraint() && !cmd.def().constraint().skip_validation() &&
              cmd.def().constraint().contype() != pg_query::CONSTR_DEFAULT)
            return true;
          break;
        default: break;
      }
    }
  return false;
}

class StatementAfterAccessExclusive final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {kAnyStatement}; }
  void check(const StatementContext& ctx, Findings& out) override {
    if (seen_.changed(ctx)) reported_ = false;
    const auto& held = ctx.state.access_exclusive_in_transaction;
    if (held.empty() || !ctx.state.in_transaction()) {
      reported_ = false;  // a new transaction: report again
      return;
    }
    if (reported_ || ctx.stmt.parent >= 0) return;
    if (!does_slow_work(ctx)) return;
    reported_ = true;
    std::string tables;
    for (const auto& t : held) tables += (tables.empty() ? "" : ", ") + locking::display(t);
    out.add(ctx.at_statement(transactions::statement_name(ctx.node()) + " runs while this transaction holds an ACCESS EXCLUSIVE lock on " +
                             tables + " (taken by an earlier statement), which blocks every read and write of " +
                             (held.size() == 1 ? "it" : "them") + " until COMMIT"));
  }

 private:
  transactions::PerFile seen_;
  bool reported_ = false;
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(statement_after_access_exclusive, kMeta, StatementAfterAccessExclusive)
