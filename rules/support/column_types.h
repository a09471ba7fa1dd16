#pragma once
// Shared by the type rules (prefer-bigint-over-int, prefer-text-field, prefer-timestamptz, ...):
// every column type a statement declares, and whether the column is new or an existing one
// whose type is being changed.
#include <functional>
#include <string>

#include "analyzer/rule.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules {

enum class ColumnUse {
  CreateTable,   // a column of CREATE TABLE
  AddColumn,     // ALTER TABLE ... ADD COLUMN
  ChangeType,    // ALTER TABLE ... ALTER COLUMN ... TYPE: an existing column with data
};

struct DeclaredColumn {
  const pg_query::ColumnDef& column;  // for ChangeType only colname/type_name are meaningful
  const std::string& column_name;
  const pg_query::TypeName& type;
  const pg_query::RangeVar& table;
  ColumnUse use;
};

inline std::vector<int> column_type_kinds() { return {pg_query::Node::kCreateStmt, pg_query::Node::kAlterTableStmt}; }

inline void for_each_declared_column(const pg_query::Node& stmt, const std::function<void(const DeclaredColumn&)>& visit) {
  if (stmt.has_create_stmt()) {
    const auto& s = stmt.create_stmt();
    for (const auto& e : s.table_elts())
      if (e.has_column_def() && e.column_def().has_type_name())
        visit(DeclaredColumn{e.column_def(), e.column_def().colname(), e.column_def().type_name(), s.relation(),
                             ColumnUse::CreateTable});
  } else if (stmt.has_alter_table_stmt()) {
    const auto& s = stmt.alter_table_stmt();
    if (s.objtype() != pg_query::OBJECT_TABLE && s.objtype() != pg_query::OBJECT_FOREIGN_TABLE) return;
    for (const auto& c : s.cmds()) {
      if (!c.has_alter_table_cmd()) continue;
      const auto& cmd = c.alter_table_cmd();
      if (!cmd.def().has_column_def() || !cmd.def().column_def().has_type_name()) continue;
      const auto& col = cmd.def().column_def();
      if (cmd.subtype() == pg_query::AT_AddColumn)
        visit(DeclaredColumn{col, col.colname(), col.type_name(), s.relation(), ColumnUse::AddColumn});
      else if (cmd.subtype() == pg_query::AT_AlterColumnType)
        visit(DeclaredColumn{col, cmd.name(), col.type_name(), s.relation(), ColumnUse::ChangeType});
    }
  }
}

// "table.column" for messages.
inline std::string column_display(const DeclaredColumn& c) { return sql_name(c.table) + "." + sql_ident(c.column_name); }

// The name a type was written with when it is a plain (unqualified or pg_catalog) built-in, else "".
inline std::string builtin_type(const pg_query::TypeName& t) {
  if (t.names_size() == 1) return tree::string_value(t.names(0));
  if (t.names_size() == 2 && tree::string_value(t.names(0)) == "pg_catalog") return tree::string_value(t.names(1));
  return {};
}

}  // namespace pgsafe::rules
