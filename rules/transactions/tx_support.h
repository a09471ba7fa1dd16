#pragma once
// Shared by the session and transaction rules: which statements take a lock that makes others wait.
#include <string>
#include <vector>

#include "analyzer/catalog.h"
#include "analyzer/duration.h"
#include "rules/locking/lock_support.h"

namespace pgsafe::rules::transactions {

// SHARE and stronger conflict with the ROW EXCLUSIVE lock every write takes, so they queue
// writers (and with ACCESS EXCLUSIVE readers) while they wait and while they run.
inline bool blocks_writes(const std::string& mode) {
  return mode == "SHARE" || mode == "SHARE ROW EXCLUSIVE" || mode == "EXCLUSIVE" || mode == "ACCESS EXCLUSIVE";
}

// The heavy locks this statement takes on tables that existed before the file.
inline std::vector<PlanLock> heavy_locks(const StatementContext& ctx) {
  std::vector<PlanLock> out;
  if (!ctx.stmt.node) return out;
  for (auto& l : statement_locks(ctx.catalog, ctx.node()))
    if (blocks_writes(l.mode) && !ctx.table_is_new(l.relation)) out.push_back(std::move(l));
  return out;
}

// The statement's name for messages; tree::statement_kind covers the common DDL.
inline std::string statement_name(const pg_query::Node& n) {
  switch (n.node_case()) {
    case pg_query::Node::kRefreshMatViewStmt: return "REFRESH MATERIALIZED VIEW";
    case pg_query::Node::kReindexStmt: return "REINDEX";
    case pg_query::Node::kVacuumStmt: return "VACUUM";
    case pg_query::Node::kClusterStmt: return "CLUSTER";
    case pg_query::Node::kLockStmt: return "LOCK TABLE";
    case pg_query::Node::kDropStmt:
      if (n.drop_stmt().remove_type() == pg_query::OBJECT_INDEX) return "DROP INDEX";
      if (n.drop_stmt().remove_type() == pg_query::OBJECT_TABLE) return "DROP TABLE";
      break;
    default: break;
  }
  std::string k = tree::statement_kind(n);
  return k.size() > 4 && k.compare(k.size() - 4, 4, "Stmt") == 0 ? "this statement" : k;
}

// Remembers which file a rule last saw, to reset per-file memory.
struct PerFile {
  int file = -1;
  bool changed(const StatementContext& ctx) {
    if (ctx.file.index == file) return false;
    file = ctx.file.index;
    return true;
  }
};

}  // namespace pgsafe::rules::transactions

namespace pgsafe::rules::transactions {

// The shared check of require-lock-timeout and require-statement-timeout: the first statement
// of a file that takes a lock blocking writes on an existing table, with the setting not yet
// made, is reported once, with a fix that sets it just before.
struct TimeoutSetting {
  const char* name;                    // "lock_timeout"
  bool FileState::*is_set;             // &FileState::lock_timeout_set
  const char* default_value;           // what the fix sets unless the `value` option says otherwise
  const char* consequence;             // "; no lock_timeout is set, so ..."
};

class MissingTimeoutRule : public Rule {
 public:
  explicit MissingTimeoutRule(TimeoutSetting setting) : setting_(setting) {}
  std::vector<int> subscriptions() const override { return {kAnyStatement}; }
  void check(const StatementContext& ctx, Findings& out) override {
    if (seen_.changed(ctx)) reported_ = false;
    if (reported_ || ctx.state.*setting_.is_set) return;
    auto locks = heavy_locks(ctx);
    if (locks.empty()) return;
    reported_ = true;
    std::string table = locking::display(locks[0].relation);
    Finding f = ctx.at_statement(statement_name(ctx.node()) + " " + locking::takes(locks[0].mode, table) +
                                 setting_.consequence);
    std::string value = setting_.default_value;
    if (auto it = ctx.options.find("value"); it != ctx.options.end() && it->is_string()) value = it->get<std::string>();
    // The value is written into the migration: the config loader refuses anything but a
    // duration, and a value that reached the rule some other way is checked again here (no fix
    // rather than SQL pgsafe did not write). What is written is quoted as a literal regardless.
    bool value_ok = !timeout_problem(value);
    // A file whose only statement cannot run in a transaction would get a second statement, and
    // with it the applier's transaction: no fix there.
    bool sole_no_tx = locking::top_level_statements(ctx) == 1 && cannot_run_in_transaction(ctx.node());
    if (ctx.stmt.parent < 0 && !sole_no_tx && value_ok) {
      std::string literal = quote_literal(value);
      FixSpec fix;
      fix.description = std::string("set ") + setting_.name + " = " + literal + " before it";
      fix.edits.push_back(locking::insert_at(ctx.stmt.begin, std::string("SET ") + setting_.name + " = " + literal + ";\n"));
      f.fix = std::move(fix);
    }
    out.add(std::move(f));
  }

 private:
  TimeoutSetting setting_;
  PerFile seen_;
  bool reported_ = false;
};

}  // namespace pgsafe::rules::transactions
