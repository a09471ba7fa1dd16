#pragma once
// Shared by the session and transaction rules: which statements take a lock that makes others wait.
#include <string>
#include <vector>

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
