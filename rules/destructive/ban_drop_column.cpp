// ban-drop-column: ALTER TABLE ... DROP COLUMN deletes the column's data in every row.
#include <set>

#include "analyzer/rule.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-column",
    .category = "destructive",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "Dropping a column deletes its value in every row.",
    .rationale =
        "ALTER TABLE ... DROP COLUMN takes an ACCESS EXCLUSIVE lock on the table and makes the column's "
        "data unreachable at once; getting it back means restoring a backup. Application servers that "
        "are still running the previous release keep naming the column in SELECT, INSERT and UPDATE "
        "statements, and every one of those fails from the moment the migration commits (an ORM that "
        "lists all columns breaks even on reads). CASCADE additionally drops the views, indexes and "
        "constraints that use the column.",
    .help = "Contract the schema in steps (expand/contract): first ship application code that neither "
            "reads nor writes the column (in ORMs, mark it ignored), deploy it everywhere, and only then "
            "drop the column in a later migration. If the values might still matter, copy them out first. "
            "When the drop is the intended last step, confirm it: "
            "`-- pgsafe-ignore ban-drop-column: <why the data can go>`.",
    .bad_example = "ALTER TABLE users DROP COLUMN legacy_password_hash;",
    .good_example = "-- release 1: the application stops reading and writing legacy_password_hash\n"
                    "-- release 2, once release 1 runs everywhere:\n"
                    "-- pgsafe-ignore ban-drop-column: unused since release 1, hashes migrated to credentials\n"
                    "ALTER TABLE users DROP COLUMN legacy_password_hash;",
    .locks = "ACCESS EXCLUSIVE on the table",
};

// The column renamed to `column` on the same table later in this file, when it was added in this
// file (a column swap); "" otherwise. Only the renames after this statement are looked at, and
// the ALTER TABLEs before the rename only when there is one: a file of n drops costs n steps.
std::string replaced_by_rename(const StatementContext& ctx, const pg_query::RangeVar& rv, const std::string& column) {
  const auto& stmts = ctx.parsed.statements();
  std::string table = Catalog::qualify(rv.schemaname(), rv.relname());
  const auto& renames = ctx.parsed.statements_of_kind(pg_query::Node::kRenameStmt);
  size_t rename_at = stmts.size();
  std::string from;
  for (size_t k = ctx.parsed.first_of_kind_after(pg_query::Node::kRenameStmt, ctx.index); k < renames.size(); ++k) {
    const pg_query::Node* n = stmts[renames[k]].node;
    if (!n) continue;
    const auto& rn = n->rename_stmt();
    if (rn.rename_type() == pg_query::OBJECT_COLUMN && rn.has_relation() && rn.newname() == column &&
        Catalog::qualify(rn.relation().schemaname(), rn.relation().relname()) == table) {
      rename_at = renames[k];
      from = rn.subname();
      break;
    }
  }
  if (from.empty()) return {};
  // Was `from` added to the table in this file, before the rename?
  if (ctx.state.columns_added_in_file.count(table + "." + from)) return from;
  const auto& alters = ctx.parsed.statements_of_kind(pg_query::Node::kAlterTableStmt);
  for (size_t k = ctx.parsed.first_of_kind_after(pg_query::Node::kAlterTableStmt, ctx.index);
       k < alters.size() && alters[k] < rename_at; ++k) {
    const pg_query::Node* n = stmts[alters[k]].node;
    if (!n || Catalog::qualify(n->alter_table_stmt().relation().schemaname(), n->alter_table_stmt().relation().relname()) != table)
      continue;
    for (const auto& c : n->alter_table_stmt().cmds())
      if (c.has_alter_table_cmd() && c.alter_table_cmd().subtype() == pg_query::AT_AddColumn &&
          c.alter_table_cmd().def().has_column_def() && c.alter_table_cmd().def().column_def().colname() == from)
        return from;
  }
  return {};
}

class BanDropColumn final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kAlterTableStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& alter = ctx.node().alter_table_stmt();
    // Foreign tables keep their data elsewhere; views and others cannot drop columns.
    if (alter.objtype() != pg_query::OBJECT_TABLE) return;
    const auto& rv = alter.relation();
    // Columns of a table created earlier in this file hold no data anyone depends on yet.
    if (ctx.table_is_new(Catalog::qualify(rv.schemaname(), rv.relname()))) return;
    for (const auto& c : alter.cmds()) {
      if (!c.has_alter_table_cmd()) continue;
      const auto& cmd = c.alter_table_cmd();
      if (cmd.subtype() != pg_query::AT_DropColumn) continue;
      if (ctx.column_is_new(Catalog::qualify(rv.schemaname(), rv.relname()), cmd.name())) continue;
      // A swap: a column added in this file takes the dropped one's name later in the file
      // (ADD c_new ...; UPDATE ... SET c_new = ...; DROP c; RENAME c_new TO c).
      if (std::string from = replaced_by_rename(ctx, rv, cmd.name()); !from.empty()) {
        Finding f = ctx.at_statement("column " + sql_ident(cmd.name()) + " of " + sql_name(rv) + " is dropped and replaced by " +
                                     sql_ident(from) + " (renamed to " + sql_ident(cmd.name()) +
                                     " later in this file): check that every value was copied into it first");
        f.severity = Severity::Info;
        out.add(std::move(f));
        continue;
      }
      std::string msg = "dropping column " + sql_ident(cmd.name()) + " of " + sql_name(rv) +
                        " deletes its value in every row, and code still using the column fails";
      if (cmd.behavior() == pg_query::DROP_CASCADE)
        msg += "; CASCADE also drops the views, indexes and constraints that depend on it";
      out.add(ctx.at_statement(msg));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_drop_column, kMeta, BanDropColumn)
