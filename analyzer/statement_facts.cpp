#include "analyzer/statement_facts.h"

#include "parser/tree.h"

namespace pgsafe {

namespace {
bool has_concurrently_option(const tree::NodeList& params) {
  for (const auto& p : params)
    if (p.has_def_elem() && p.def_elem().defname() == "concurrently") {
      const auto& d = p.def_elem();
      return !d.has_arg() || tree::def_elem_text(d) != "false";
    }
  return false;
}
}  // namespace

std::string no_transaction_reason(const pg_query::Node& stmt) {
  switch (stmt.node_case()) {
    case pg_query::Node::kIndexStmt:
      return stmt.index_stmt().concurrent() ? "CREATE INDEX CONCURRENTLY" : "";
    case pg_query::Node::kDropStmt:
      return stmt.drop_stmt().concurrent() ? "DROP INDEX CONCURRENTLY" : "";
    case pg_query::Node::kReindexStmt:
      return has_concurrently_option(stmt.reindex_stmt().params()) ? "REINDEX CONCURRENTLY" : "";
    case pg_query::Node::kVacuumStmt:
      return stmt.vacuum_stmt().is_vacuumcmd() ? "VACUUM" : "";
    case pg_query::Node::kAlterSystemStmt: return "ALTER SYSTEM";
    case pg_query::Node::kCreatedbStmt: return "CREATE DATABASE";
    case pg_query::Node::kDropdbStmt: return "DROP DATABASE";
    case pg_query::Node::kCreateTableSpaceStmt: return "CREATE TABLESPACE";
    case pg_query::Node::kDropTableSpaceStmt: return "DROP TABLESPACE";
    case pg_query::Node::kAlterTableStmt:
      for (const auto& c : stmt.alter_table_stmt().cmds())
        if (c.has_alter_table_cmd() && c.alter_table_cmd().subtype() == pg_query::AT_DetachPartition &&
            c.alter_table_cmd().def().has_partition_cmd() && c.alter_table_cmd().def().partition_cmd().concurrent())
          return "ALTER TABLE ... DETACH PARTITION CONCURRENTLY";
      return "";
    case pg_query::Node::kCreateSubscriptionStmt: return "CREATE SUBSCRIPTION";
    case pg_query::Node::kDropSubscriptionStmt: return "DROP SUBSCRIPTION";
    default: return "";
  }
}

bool cannot_run_in_transaction(const pg_query::Node& stmt) { return !no_transaction_reason(stmt).empty(); }

bool acts_on_index(const pg_query::Node& n) {
  return (n.has_drop_stmt() && n.drop_stmt().remove_type() == pg_query::OBJECT_INDEX) ||
         (n.has_reindex_stmt() && n.reindex_stmt().kind() == pg_query::REINDEX_OBJECT_INDEX) ||
         (n.has_alter_table_stmt() && n.alter_table_stmt().objtype() == pg_query::OBJECT_INDEX) ||
         (n.has_rename_stmt() && n.rename_stmt().rename_type() == pg_query::OBJECT_INDEX);
}

}  // namespace pgsafe
