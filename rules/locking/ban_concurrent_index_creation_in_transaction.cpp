// ban-concurrent-index-creation-in-transaction: a CONCURRENTLY statement that will run inside a
// transaction block, where PostgreSQL refuses it.
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-concurrent-index-creation-in-transaction",
    .category = "locking",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and DETACH PARTITION CONCURRENTLY fail "
               "inside a transaction block.",
    .rationale =
        "The concurrent forms commit several transactions of their own and wait between them, so PostgreSQL "
        "rejects them inside a transaction block (ERROR 25001) and the migration fails at that statement. "
        "pgsafe's applier runs each file in one transaction unless the file's only statement cannot run in "
        "one, or the file says `-- pgsafe:no-transaction`; an explicit BEGIN in the file has the same effect. "
        "The concurrent statements themselves take only SHARE UPDATE EXCLUSIVE, which is why they are worth "
        "keeping: the fix is to move them, not to drop CONCURRENTLY.",
    .help = "Put the statement in a migration of its own (a file whose only statement is, for example, CREATE "
            "INDEX CONCURRENTLY is applied outside a transaction), or mark the file `-- pgsafe:no-transaction` "
            "and remove any BEGIN/COMMIT around the statement; each statement then commits on its own, so make "
            "them safe to re-run (IF NOT EXISTS / IF EXISTS).",
    .bad_example = "CREATE TABLE audit_log (id bigint PRIMARY KEY, at timestamptz);\n"
                   "CREATE INDEX CONCURRENTLY orders_created_at_idx ON orders (created_at);",
    .good_example = "-- a migration of its own\n"
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);",
    .locks = "SHARE UPDATE EXCLUSIVE (when it runs at all: inside a transaction block it fails)",
};

// "CREATE INDEX CONCURRENTLY", ... or "" when the statement is not a concurrent one.
std::string concurrent_kind(const pg_query::Node& n) {
  if (n.has_index_stmt() && n.index_stmt().concurrent()) return "CREATE INDEX CONCURRENTLY";
  if (n.has_drop_stmt() && n.drop_stmt().concurrent()) return "DROP INDEX CONCURRENTLY";
  if (n.has_reindex_stmt()) {
    for (const auto& p : n.reindex_stmt().params())
      if (p.has_def_elem() && p.def_elem().defname() == "concurrently" && tree::def_elem_text(p.def_elem()) != "false")
        return "REINDEX CONCURRENTLY";
  }
  if (n.has_alter_table_stmt())
    for (const auto& c : n.alter_table_stmt().cmds())
      if (c.has_alter_table_cmd() && c.alter_table_cmd().subtype() == pg_query::AT_DetachPartition &&
          c.alter_table_cmd().def().has_partition_cmd() && c.alter_table_cmd().def().partition_cmd().concurrent())
        return "DETACH PARTITION CONCURRENTLY";
  return {};
}

class BanConcurrentIndexCreationInTransaction final : public Rule {
 public:
  std::vector<int> subscriptions() const override {
    return {pg_query::Node::kIndexStmt, pg_query::Node::kDropStmt, pg_query::Node::kReindexStmt,
            pg_query::Node::kAlterTableStmt};
  }
  void check(const StatementContext& ctx, Findings& out) override {
    std::string kind = concurrent_kind(ctx.node());
    if (kind.empty() || !ctx.state.in_transaction()) return;
    std::string why = ctx.state.in_explicit_transaction
                          ? "inside the transaction block opened by BEGIN"
                          : "inside the transaction pgsafe's applier wraps this file in (it has more than one statement)";
    Finding f = ctx.at_statement(kind + " cannot run " + why + ": PostgreSQL rejects it and the migration fails; "
                                 "run outside a transaction it would take only SHARE UPDATE EXCLUSIVE and block neither "
                                 "reads nor writes");
    if (!ctx.state.in_explicit_transaction && ctx.stmt.parent < 0) {
      FixSpec fix;
      fix.description = "run the file outside a transaction (`-- pgsafe:no-transaction`; each statement then commits "
                        "on its own — better, move this statement to a migration of its own)";
      fix.safe = false;
      fix.edits.push_back(locking::insert_at(0, "-- pgsafe:no-transaction\n"));
      f.fix = std::move(fix);
    }
    out.add(std::move(f));
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_concurrent_index_creation_in_transaction, kMeta, BanConcurrentIndexCreationInTransaction)
