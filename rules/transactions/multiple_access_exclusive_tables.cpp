// multiple-access-exclusive-tables: one transaction takes ACCESS EXCLUSIVE on several existing tables.
#include <algorithm>
#include <optional>

#include "analyzer/statement_facts.h"
#include "rules/transactions/tx_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "multiple-access-exclusive-tables",
    .category = "transactions",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "A transaction that takes ACCESS EXCLUSIVE on more than one existing table blocks them all and risks deadlock.",
    .rationale =
        "Each ACCESS EXCLUSIVE lock blocks every read and write of its table and is held until COMMIT. A "
        "transaction that collects them on several tables keeps all of them unusable until the last "
        "statement finishes, waits in several lock queues in turn (each wait stalling the tables already "
        "locked), and can deadlock with application transactions that touch the same tables in the other "
        "order. Tables created earlier in the same file or transaction do not count, nor do further statements "
        "on a table already locked; an index counts as its table (two indexes of one table are one table). "
        "Reported once per transaction, at the statement that locks the second table, listing every table "
        "the transaction holds by COMMIT.",
    .help = "Change one table per migration (one transaction each), or at least per transaction, with a short "
            "`lock_timeout` so a blocked lock request fails fast instead of stalling the tables already locked.",
    .bad_example = "ALTER TABLE orders ADD COLUMN note text;\n"
                   "ALTER TABLE customers ADD COLUMN note text;",
    .good_example = "-- 20240101000000_orders_note.sql\n"
                    "ALTER TABLE orders ADD COLUMN note text;\n"
                    "-- 20240101000001_customers_note.sql\n"
                    "ALTER TABLE customers ADD COLUMN note text;",
    .locks = "ACCESS EXCLUSIVE on each table (blocks reads and writes) until COMMIT",
};

class MultipleAccessExclusiveTables final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {kAnyStatement}; }
  void check(const StatementContext& ctx, Findings& out) override {
    if (seen_.changed(ctx)) {
      pending_.reset();
      done_.clear();
    }
    const auto& held = ctx.state.access_exclusive_in_transaction;
    // Nothing held: any earlier transaction is over; its finding (if any) is complete.
    if (held.empty() || !ctx.state.in_transaction()) {
      close_transaction();
      return;
    }
    std::vector<std::string> already = real_tables(ctx, held);
    if (already.empty()) return;
    for (const auto& l : transactions::heavy_locks(ctx)) {
      if (l.mode != "ACCESS EXCLUSIVE" || ctx.catalog.find_index(l.relation)) continue;
      if (acts_on_index(ctx.node()) && !ctx.catalog.find_table(l.relation)) continue;  // an unknown index's table
      // Views hold no rows: locking one blocks its readers briefly, not a table's writers, and
      // migrations drop and re-create them around table changes all the time.
      if (ctx.catalog.find_view(l.relation)) continue;
      if (ctx.state.access_exclusive_held(l.relation)) continue;  // already locked: no new risk
      if (!pending_) {
        pending_ = Pending{ctx.stmt.begin, ctx.stmt.end, transactions::statement_name(ctx.node()), l.relation, already, {}};
      } else if (std::find(pending_->later.begin(), pending_->later.end(), l.relation) == pending_->later.end() &&
                 l.relation != pending_->second) {
        pending_->later.push_back(l.relation);
      }
    }
  }
  // Emitted at the end of the file, positioned at the statement that locked the second table (the
  // engine matches suppressions by position).
  void finish_file(const FileContext&, Findings& out) override {
    close_transaction();
    for (auto& f : done_) out.add(std::move(f));
    done_.clear();
  }

 private:
  // Reported once per transaction, at the statement that locks a second table, naming them all.
  struct Pending {
    uint32_t begin = 0, end = 0;
    std::string statement;
    std::string second;                  // the table that statement locks
    std::vector<std::string> earlier;    // held before it
    std::vector<std::string> later;      // locked after it in the same transaction
  };

  static std::vector<std::string> real_tables(const StatementContext& ctx, const std::vector<std::string>& held) {
    std::vector<std::string> out;
    for (const auto& t : held)
      if (t.rfind("index:", 0) != 0 && !ctx.catalog.find_view(t)) out.push_back(t);
    return out;
  }
  static std::string list(const std::vector<std::string>& tables) {
    std::string s;
    for (const auto& t : tables) s += (s.empty() ? "" : ", ") + locking::display(t);
    return s;
  }

  void close_transaction() {
    if (!pending_) return;
    const Pending& p = *pending_;
    std::vector<std::string> all = p.earlier;
    all.push_back(p.second);
    all.insert(all.end(), p.later.begin(), p.later.end());
    Finding f;
    f.begin = p.begin;
    f.end = p.end;
    f.message = p.statement + " takes an ACCESS EXCLUSIVE lock on " + locking::display(p.second) +
                " while the same transaction already holds one on " + list(p.earlier) + "; by COMMIT it holds " +
                std::to_string(all.size()) + " tables (" + list(all) +
                ") blocked for reads and writes, and lock order conflicts with application transactions can deadlock";
    done_.push_back(std::move(f));
    pending_.reset();
  }

  transactions::PerFile seen_;
  std::optional<Pending> pending_;
  std::vector<Finding> done_;
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(multiple_access_exclusive_tables, kMeta, MultipleAccessExclusiveTables)
