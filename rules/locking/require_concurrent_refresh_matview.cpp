// require-concurrent-refresh-matview: REFRESH MATERIALIZED VIEW without CONCURRENTLY.
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "require-concurrent-refresh-matview",
    .category = "locking",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view while it runs.",
    .rationale =
        "A plain REFRESH MATERIALIZED VIEW takes an ACCESS EXCLUSIVE lock on the view for the whole time its "
        "query runs: every SELECT from it waits. REFRESH ... CONCURRENTLY takes an EXCLUSIVE lock, which lets "
        "reads go on (only other refreshes and writes wait); it needs a UNIQUE index on the view covering all "
        "rows (no WHERE, plain columns) and a view that is already populated. WITH NO DATA refreshes and "
        "views created earlier in the same file are not reported.",
    .help = "Create a unique index on the materialized view once (CREATE UNIQUE INDEX ... ON view (key)), then "
            "use REFRESH MATERIALIZED VIEW CONCURRENTLY view. It can run inside a transaction.",
    .bad_example = "REFRESH MATERIALIZED VIEW daily_sales;",
    .good_example = "CREATE UNIQUE INDEX IF NOT EXISTS daily_sales_day_key ON daily_sales (day);\n"
                    "REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;",
    .locks = "ACCESS EXCLUSIVE on the materialized view (blocks reads)",
};

class RequireConcurrentRefreshMatview final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kRefreshMatViewStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& s = ctx.node().refresh_mat_view_stmt();
    if (s.concurrent() || s.skip_data()) return;
    std::string key = locking::table_key(s.relation());
    const View* v = ctx.catalog.find_view(key);
    if (v && v->created.file == ctx.file.index) return;  // nobody reads it yet
    bool has_unique = false;
    for (const Index* ix : ctx.catalog.indexes_on(key))
      if (ix->unique && !ix->partial) has_unique = true;
    std::string name = sql_name(s.relation());
    Finding f = ctx.at_statement("REFRESH MATERIALIZED VIEW " + name + " " + locking::takes("ACCESS EXCLUSIVE", name) +
                                 " until its query finishes");
    if (!has_unique)
      f.help = "REFRESH ... CONCURRENTLY needs a unique index on " + name +
               " covering every row; create one first (CREATE UNIQUE INDEX ... ON " + name +
               " (key columns)), then use REFRESH MATERIALIZED VIEW CONCURRENTLY " + name + ".";
    if (const parser::Token* t = locking::find_token(ctx, pg_query::VIEW)) {
      FixSpec fix;
      fix.description = "refresh CONCURRENTLY";
      // Without a known unique index the refresh would fail.
      fix.safe = has_unique;
      if (!has_unique) fix.description += " (needs a unique index on " + name + ", which pgsafe does not see)";
      fix.edits.push_back(locking::insert_at(t->end, " CONCURRENTLY"));
      f.fix = std::move(fix);
    }
    out.add(std::move(f));
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(require_concurrent_refresh_matview, kMeta, RequireConcurrentRefreshMatview)
