#include "applier/statement_summary.h"

#include <algorithm>

#include "parser/tree.h"

namespace pgsafe::applier {

namespace {

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

bool is_column_command(pg_query::AlterTableType t) {
  switch (t) {
    case pg_query::AT_AddColumn:
    case pg_query::AT_ColumnDefault:
    case pg_query::AT_DropNotNull:
    case pg_query::AT_SetNotNull:
    case pg_query::AT_SetStatistics:
    case pg_query::AT_SetStorage:
    case pg_query::AT_DropColumn:
    case pg_query::AT_AlterColumnType:
    case pg_query::AT_AddIdentity:
    case pg_query::AT_DropIdentity:
    case pg_query::AT_DropExpression:
      return true;
    default:
      return false;
  }
}

}  // namespace

StatementSummary summarize_statement(const pg_query::Node& stmt) {
  StatementSummary s;
  s.kind = tree::statement_kind(stmt);
  if (stmt.has_transaction_stmt()) {
    switch (stmt.transaction_stmt().kind()) {
      case pg_query::TRANS_STMT_SAVEPOINT:
      case pg_query::TRANS_STMT_RELEASE:
      case pg_query::TRANS_STMT_ROLLBACK_TO:
        break;
      default:
        s.transaction_control = true;
    }
  }
  tree::for_each_message(stmt, [&](const google::protobuf::Message& m) {
    if (m.GetDescriptor() == pg_query::RangeVar::descriptor())
      add_unique(s.tables, tree::qualified_name(static_cast<const pg_query::RangeVar&>(m)));
    return true;
  });
  if (stmt.has_alter_table_stmt()) {
    const auto& at = stmt.alter_table_stmt();
    std::string table = tree::qualified_name(at.relation());
    for (const auto& c : at.cmds()) {
      if (!c.has_alter_table_cmd()) continue;
      const auto& cmd = c.alter_table_cmd();
      if (!is_column_command(cmd.subtype())) continue;
      std::string col = cmd.name();
      if (col.empty() && cmd.def().has_column_def()) col = cmd.def().column_def().colname();
      if (!col.empty()) add_unique(s.columns, table + "." + col);
    }
  } else if (stmt.has_index_stmt()) {
    const auto& ix = stmt.index_stmt();
    std::string table = tree::qualified_name(ix.relation());
    s.index_name = ix.idxname();
    s.index_schema = ix.relation().schemaname();
    s.concurrently = ix.concurrent();
    s.if_not_exists = ix.if_not_exists();
    for (const auto& p : ix.index_params())
      if (p.has_index_elem() && !p.index_elem().name().empty()) add_unique(s.columns, table + "." + p.index_elem().name());
  } else if (stmt.has_rename_stmt() && stmt.rename_stmt().rename_type() == pg_query::OBJECT_COLUMN) {
    const auto& r = stmt.rename_stmt();
    add_unique(s.columns, tree::qualified_name(r.relation()) + "." + r.subname());
  }
  return s;
}

void merge_summary(StatementSummary& into, const StatementSummary& nested) {
  for (const auto& t : nested.tables) add_unique(into.tables, t);
  for (const auto& c : nested.columns) add_unique(into.columns, c);
}

}  // namespace pgsafe::applier
