// transaction-nesting: BEGIN inside an open transaction, or transaction control in a file the
// applier already wraps in one.
#include "rules/transactions/tx_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "transaction-nesting",
    .category = "transactions",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "BEGIN inside a transaction, or BEGIN/COMMIT in a file the applier runs in a transaction.",
    .rationale =
        "PostgreSQL has no nested transactions: a BEGIN inside an open transaction only raises a warning, "
        "and the first COMMIT or ROLLBACK ends the outer transaction, so statements after it run in "
        "autocommit, each committed on its own, and a failure half-way leaves the migration half applied. "
        "pgsafe's applier wraps each file in a transaction (unless the file says `-- pgsafe:no-transaction`, "
        "or its only statement cannot run in one; `assume_in_transaction = false` when another tool applies "
        "without wrapping), so BEGIN/COMMIT in such a file nest inside the applier's transaction, and a "
        "COMMIT there also releases every lock taken so far and ends the atomic unit the applier records.",
    .help = "Remove BEGIN/COMMIT/ROLLBACK from files the applier wraps. If the file must control its own "
            "transactions, mark it `-- pgsafe:no-transaction` and keep one BEGIN ... COMMIT pair, never nested. "
            "Use SAVEPOINT for a partial rollback inside a transaction.",
    .bad_example = "BEGIN;\n"
                   "ALTER TABLE orders ADD COLUMN note text;\n"
                   "COMMIT;",
    .good_example = "ALTER TABLE orders ADD COLUMN note text;",
    .locks = "none itself; it changes how long the locks of the file's statements are held",
};

class TransactionNesting final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kTransactionStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    auto kind = ctx.node().transaction_stmt().kind();
    bool begin = kind == pg_query::TRANS_STMT_BEGIN || kind == pg_query::TRANS_STMT_START;
    bool end = kind == pg_query::TRANS_STMT_COMMIT || kind == pg_query::TRANS_STMT_ROLLBACK;
    if (!begin && !end) return;
    std::string word = begin ? "BEGIN" : (kind == pg_query::TRANS_STMT_COMMIT ? "COMMIT" : "ROLLBACK");
    if (begin && ctx.state.in_explicit_transaction) {
      out.add(ctx.at_statement("BEGIN inside a transaction already opened by BEGIN: PostgreSQL only warns, and the next "
                               "COMMIT ends the outer transaction, releasing its locks and leaving the statements after it "
                               "in autocommit"));
      return;
    }
    if (ctx.state.wrapped_by_applier) {
      std::string effect = begin ? "only warns, and the matching COMMIT commits the applier's transaction early"
                                 : "ends the applier's transaction early: locks are released, and the statements after it run in "
                                   "autocommit, outside the atomic unit the applier records";
      Finding f = ctx.at_statement(word + " in a file pgsafe's applier already runs in a transaction: it " + effect);
      f.help = "Remove the " + word + " (the applier provides the transaction), or mark the file `-- pgsafe:no-transaction` "
               "if it must manage its own transactions.";
      out.add(std::move(f));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(transaction_nesting, kMeta, TransactionNesting)
