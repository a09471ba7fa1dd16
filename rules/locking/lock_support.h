#pragma once
// Shared by the lock-safety rules: lock names in words, the "created here" exemption, and the
// token lookups their fixes need to place a keyword.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/plan.h"
#include "analyzer/rule.h"
#include "analyzer/statement_facts.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules::locking {

inline std::string table_key(const pg_query::RangeVar& rv) { return Catalog::qualify(rv.schemaname(), rv.relname()); }

// "schema.name" of a dotted name list (DROP objects), unqualified names in public.
inline std::string key_of(const tree::NodeList& items) {
  std::vector<std::string> parts;
  for (const auto& p : items) parts.push_back(tree::string_value(p));
  if (parts.empty()) return {};
  if (parts.size() == 1) return "public." + parts[0];
  return parts[parts.size() - 2] + "." + parts.back();
}

// A catalog key for messages: `orders`, `billing.invoices`, `"Users"` (public is left out).
inline std::string display(const std::string& qualified) {
  // A lock on the unknown table of an index the catalog does not know (FileState).
  if (qualified.rfind("index:", 0) == 0) return "the table of index " + display(qualified.substr(6));
  auto dot = qualified.find('.');
  if (dot == std::string::npos) return sql_ident(qualified);
  std::string schema = qualified.substr(0, dot), name = qualified.substr(dot + 1);
  return schema == "public" ? sql_ident(name) : sql_ident(schema) + "." + sql_ident(name);
}

// What a lock mode held on a table keeps other sessions from doing.
inline std::string_view what_it_blocks(std::string_view mode) {
  if (mode == "ACCESS EXCLUSIVE") return "blocks every read and write of it";
  if (mode == "EXCLUSIVE") return "blocks writes to it (reads go on)";
  if (mode == "SHARE ROW EXCLUSIVE" || mode == "SHARE") return "blocks writes to it (reads go on)";
  if (mode == "SHARE UPDATE EXCLUSIVE") return "blocks other DDL and VACUUM on it (reads and writes go on)";
  return "blocks little";
}

// "takes an ACCESS EXCLUSIVE lock on orders, which blocks every read and write of it"
inline std::string takes(std::string_view mode, const std::string& object) {
  std::string article = (mode.front() == 'A' || mode.front() == 'E') ? "an " : "a ";
  return "takes " + article + std::string(mode) + " lock on " + object + ", which " + std::string(what_it_blocks(mode));
}

// Lock rules say nothing about tables nobody else can see yet.
// Tables created earlier in this file or transaction, or emptied earlier in this transaction
// (TRUNCATE, DELETE without WHERE): scanning, rewriting or failing on rows is moot there.
inline bool exempt(const StatementContext& ctx, const pg_query::RangeVar& rv) {
  std::string key = table_key(rv);
  return ctx.table_is_new(key) || ctx.state.tables_emptied_in_transaction.count(key) > 0;
}

// Statements of the file, DO-block bodies not counted.
inline size_t top_level_statements(const StatementContext& ctx) {
  size_t n = 0;
  for (const auto& s : ctx.parsed.statements())
    if (s.parent < 0) ++n;
  return n;
}

// The first token of `kind` inside the statement at or after `from`.
inline const parser::Token* find_token(const StatementContext& ctx, int kind, uint32_t from = 0) {
  const auto& toks = ctx.parsed.tokens();
  for (size_t i = ctx.parsed.token_at_or_after(std::max(from, ctx.stmt.begin)); i < toks.size(); ++i) {
    if (toks[i].begin >= ctx.stmt.end) break;
    if (toks[i].kind == kind) return &toks[i];
  }
  return nullptr;
}

inline FixEdit insert_at(uint32_t offset, std::string text) { return FixEdit{offset, offset, std::move(text)}; }

// A fix that makes a statement CONCURRENTLY: the keyword goes right after `after_kind`.
// A file whose only statement it is runs outside a transaction by itself (safe); in a longer
// file the applier's transaction has to go too, which changes the file's atomicity (unsafe);
// inside an explicit BEGIN no edit can help, so no fix is offered.
inline std::optional<FixSpec> concurrently_fix(const StatementContext& ctx, int after_kind, std::string description) {
  if (ctx.state.in_explicit_transaction || ctx.stmt.parent >= 0) return std::nullopt;
  const parser::Token* t = find_token(ctx, after_kind);
  if (!t) return std::nullopt;
  FixSpec fix;
  fix.description = std::move(description);
  fix.edits.push_back(insert_at(t->end, " CONCURRENTLY"));
  if (ctx.state.wrapped_by_applier && top_level_statements(ctx) > 1) {
    fix.safe = false;
    fix.description += " and run the file outside a transaction (`-- pgsafe:no-transaction`: each statement "
                       "then commits on its own; better, move this statement to a migration of its own)";
    fix.edits.insert(fix.edits.begin(), insert_at(0, "-- pgsafe:no-transaction\n"));
  }
  return fix;
}

}  // namespace pgsafe::rules::locking

namespace pgsafe::rules::locking {

// The constraint of a column definition with contype `type`, or null.
inline const pg_query::Constraint* column_constraint(const pg_query::ColumnDef& def, pg_query::ConstrType type) {
  for (const auto& c : def.constraints())
    if (c.has_constraint() && c.constraint().contype() == type) return &c.constraint();
  return nullptr;
}

inline bool is_serial(const pg_query::ColumnDef& def) {
  if (!def.has_type_name()) return false;
  std::string t = tree::last_name(def.type_name().names());
  return t == "serial" || t == "bigserial" || t == "smallserial" || t == "serial2" || t == "serial4" || t == "serial8";
}

// Each ALTER TABLE subcommand of the statement, when the table existed before this file.
template <typename F>
void for_each_cmd_on_existing(const StatementContext& ctx, F&& visit) {
  if (!ctx.node().has_alter_table_stmt()) return;
  const auto& s = ctx.node().alter_table_stmt();
  if (s.objtype() != pg_query::OBJECT_TABLE || exempt(ctx, s.relation())) return;
  for (const auto& c : s.cmds())
    if (c.has_alter_table_cmd()) visit(s, c.alter_table_cmd());
}

// PRIMARY KEY and UNIQUE added to an existing table, on a new column or as a table constraint
// without USING INDEX: both build a unique index while ALTER TABLE holds ACCESS EXCLUSIVE.
// `column_phrase` ends "column c is added ..."; `describe(constraint, table)` opens the message
// for the table-constraint form.
template <typename Describe>
void report_index_building_constraint(const StatementContext& ctx, Findings& out, pg_query::ConstrType type,
                                      std::string_view column_phrase, Describe&& describe) {
  for_each_cmd_on_existing(ctx, [&](const pg_query::AlterTableStmt& s, const pg_query::AlterTableCmd& cmd) {
    std::string table = sql_name(s.relation());
    std::string lock = " while ALTER TABLE " + takes("ACCESS EXCLUSIVE", table);
    if (cmd.subtype() == pg_query::AT_AddColumn && cmd.def().has_column_def()) {
      const auto& def = cmd.def().column_def();
      if (const auto* c = column_constraint(def, type))
        out.add(ctx.at_location(c->location(), "column " + sql_ident(def.colname()) + " is added " +
                                                   std::string(column_phrase) + ", which builds a unique index on " +
                                                   table + lock));
      return;
    }
    if (cmd.subtype() != pg_query::AT_AddConstraint || !cmd.def().has_constraint()) return;
    const auto& c = cmd.def().constraint();
    if (c.contype() != type || !c.indexname().empty()) return;
    out.add(ctx.at_location(c.location(), describe(c, table) + lock));
  });
}

}  // namespace pgsafe::rules::locking
