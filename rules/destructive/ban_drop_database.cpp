// ban-drop-database: DROP DATABASE deletes a whole database.
#include "analyzer/rule.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-database",
    .category = "destructive",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "Dropping a database deletes every schema, table and row in it.",
    .rationale =
        "DROP DATABASE removes the database's files from disk: every schema, table and row in it is gone "
        "and only a backup brings them back. It needs exclusive access to the database, so it fails while "
        "anyone is connected, and WITH (FORCE) terminates those connections first. It also cannot run "
        "inside a transaction, so a migration tool that wraps files in one rejects it. A schema "
        "migration is almost never the right place for it.",
    .help = "Remove databases as an operations task (infrastructure code, a runbook) with a fresh backup "
            "taken first, not in a migration that runs on every environment. If a migration really must "
            "do it, confirm it: `-- pgsafe-ignore ban-drop-database: <why>`.",
    .bad_example = "DROP DATABASE analytics;",
    .good_example = "-- better: pg_dump -Fc analytics > analytics.dump && dropdb analytics, outside the migrations\n"
                    "-- pgsafe-ignore ban-drop-database: scratch copy for the load test, dumped to backups/loadtest.dump\n"
                    "DROP DATABASE loadtest_scratch;",
    .locks = "exclusive use of the database (fails while other sessions are connected)",
};

class BanDropDatabase final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kDropdbStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& drop = ctx.node().dropdb_stmt();
    // A database created earlier in this same file (a scratch database) holds nothing of value.
    const auto& stmts = ctx.parsed.statements();
    for (size_t i = 0; i < ctx.index && i < stmts.size(); ++i) {
      const pg_query::Node* n = stmts[i].node;
      if (n && n->has_createdb_stmt() && n->createdb_stmt().dbname() == drop.dbname()) return;
    }
    bool force = false;
    for (const auto& o : drop.options())
      if (o.has_def_elem() && o.def_elem().defname() == "force") force = true;
    std::string msg = "DROP DATABASE " + sql_ident(drop.dbname()) + " deletes the whole database and all of its data";
    if (force) msg += "; FORCE also terminates every session connected to it";
    out.add(ctx.at_statement(msg));
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_drop_database, kMeta, BanDropDatabase)
