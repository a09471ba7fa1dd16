// ban-uncommitted-transaction: a BEGIN with no COMMIT before the end of the file.
#include "rules/transactions/tx_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-uncommitted-transaction",
    .category = "transactions",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "A transaction opened with BEGIN is never committed in the file.",
    .rationale =
        "When the file ends inside an open transaction, what happens depends on the tool: psql and most "
        "runners roll it back when the session ends (the migration silently did nothing, yet may be recorded "
        "as applied), others leave the session idle in transaction, holding every lock the migration took "
        "(ACCESS EXCLUSIVE from an ALTER TABLE blocks all reads and writes of the table) until someone "
        "kills it.",
    .help = "End the transaction with COMMIT; — or, with pgsafe's applier, drop BEGIN altogether: it wraps each "
            "file in a transaction itself.",
    .bad_example = "-- pgsafe:no-transaction\n"
                   "BEGIN;\n"
                   "ALTER TABLE orders ADD COLUMN note text;",
    .good_example = "-- pgsafe:no-transaction\n"
                    "BEGIN;\n"
                    "ALTER TABLE orders ADD COLUMN note text;\n"
                    "COMMIT;",
    .locks = "every lock taken since BEGIN, held until the session ends",
};

class BanUncommittedTransaction final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kTransactionStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    if (seen_.changed(ctx)) has_begin_ = false;
    auto kind = ctx.node().transaction_stmt().kind();
    if ((kind == pg_query::TRANS_STMT_BEGIN || kind == pg_query::TRANS_STMT_START) && !ctx.state.in_explicit_transaction) {
      has_begin_ = true;
      begin_ = ctx.stmt.begin;
      end_ = ctx.stmt.end;
    }
  }
  void finish_file(const FileContext& ctx, Findings& out) override {
    if (!has_begin_ || seen_.file != ctx.file.index || !ctx.state.in_explicit_transaction) return;
    has_begin_ = false;
    Finding f{begin_, end_, "this BEGIN is never committed: the file ends inside the transaction, which is then rolled back "
                            "or left open holding every lock it took (ACCESS EXCLUSIVE ones block all reads and writes)",
              {}, std::nullopt, -1};
    const auto& toks = ctx.parsed.tokens();
    bool ends_with_semicolon = !toks.empty() && toks.back().kind == ';';
    uint32_t at = static_cast<uint32_t>(ctx.source.text().size());
    FixSpec fix;
    fix.description = "commit at the end of the file";
    fix.safe = false;  // committing is a decision about what the migration means
    fix.edits.push_back(locking::insert_at(at, std::string(ends_with_semicolon ? "" : ";") + "\nCOMMIT;\n"));
    f.fix = std::move(fix);
    out.add(std::move(f));
  }

 private:
  transactions::PerFile seen_;
  bool has_begin_ = false;
  uint32_t begin_ = 0, end_ = 0;
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_uncommitted_transaction, kMeta, BanUncommittedTransaction)
