#pragma once
// Shared by ban-delete-without-where and ban-update-without-where: which DELETE / UPDATE
// statements a top-level statement executes, whether a WHERE clause really restricts anything,
// and where to point when the statement is nested.
#include <cctype>
#include <functional>
#include <string>
#include <vector>

#include "analyzer/rule.h"

namespace pgsafe::rules {

// Calls visit(stmt, nested) for the statement itself and every statement it executes besides:
// the data-modifying statements of its WITH clauses (at any depth), the statement of an
// EXPLAIN ANALYZE and the query of a COPY (... RETURNING ...) TO. Statements that are only
// stored (CREATE RULE, PREPARE, function bodies) are not executed by the migration: not visited.
inline void for_each_executed_statement(const pg_query::Node& stmt, bool nested,
                                        const std::function<void(const pg_query::Node&, bool)>& visit) {
  visit(stmt, nested);
  auto ctes = [&](const pg_query::WithClause& with) {
    for (const auto& c : with.ctes())
      if (c.has_common_table_expr() && c.common_table_expr().has_ctequery())
        for_each_executed_statement(c.common_table_expr().ctequery(), true, visit);
  };
  switch (stmt.node_case()) {
    case pg_query::Node::kSelectStmt:
      if (stmt.select_stmt().has_with_clause()) ctes(stmt.select_stmt().with_clause());
      break;
    case pg_query::Node::kInsertStmt:
      if (stmt.insert_stmt().has_with_clause()) ctes(stmt.insert_stmt().with_clause());
      if (stmt.insert_stmt().has_select_stmt()) {
        const auto& sel = stmt.insert_stmt().select_stmt();
        if (sel.has_select_stmt() && sel.select_stmt().has_with_clause()) ctes(sel.select_stmt().with_clause());
      }
      break;
    case pg_query::Node::kUpdateStmt:
      if (stmt.update_stmt().has_with_clause()) ctes(stmt.update_stmt().with_clause());
      break;
    case pg_query::Node::kDeleteStmt:
      if (stmt.delete_stmt().has_with_clause()) ctes(stmt.delete_stmt().with_clause());
      break;
    case pg_query::Node::kMergeStmt:
      if (stmt.merge_stmt().has_with_clause()) ctes(stmt.merge_stmt().with_clause());
      break;
    case pg_query::Node::kExplainStmt: {
      const auto& ex = stmt.explain_stmt();
      bool analyze = false;
      for (const auto& o : ex.options())
        if (o.has_def_elem() && o.def_elem().defname() == "analyze")
          analyze = tree::def_elem_text(o.def_elem()) != "false" && tree::def_elem_text(o.def_elem()) != "off";
      if (analyze && ex.has_query()) for_each_executed_statement(ex.query(), true, visit);
      break;
    }
    case pg_query::Node::kCopyStmt:
      if (stmt.copy_stmt().has_query()) for_each_executed_statement(stmt.copy_stmt().query(), true, visit);
      break;
    default: break;
  }
}

// The statement kinds that can execute a DELETE or UPDATE, for subscriptions.
inline std::vector<int> dml_carrier_kinds() {
  return {pg_query::Node::kDeleteStmt, pg_query::Node::kUpdateStmt, pg_query::Node::kSelectStmt,
          pg_query::Node::kInsertStmt, pg_query::Node::kMergeStmt,  pg_query::Node::kExplainStmt,
          pg_query::Node::kCopyStmt};
}

// A WHERE clause that restricts nothing: `WHERE true`, `WHERE 't'::boolean`, `WHERE 1 = 1`.
inline bool always_true(const pg_query::Node& where) {
  auto same_constant = [](const pg_query::Node& a, const pg_query::Node& b) {
    if (!a.has_a_const() || !b.has_a_const()) return false;
    pg_query::A_Const x = a.a_const(), y = b.a_const();
    x.set_location(0);
    y.set_location(0);
    return !x.isnull() && x.SerializeAsString() == y.SerializeAsString();
  };
  if (where.has_a_const()) return where.a_const().has_boolval() && where.a_const().boolval().boolval();
  if (where.has_type_cast()) {
    const auto& tc = where.type_cast();
    if (!tc.has_arg() || !tc.arg().has_a_const() || !tc.has_type_name()) return false;
    std::string type = tree::base_type_name(tc.type_name());
    if (type != "bool" && type != "boolean") return false;
    const auto& c = tc.arg().a_const();
    if (c.has_boolval()) return c.boolval().boolval();
    if (!c.has_sval()) return false;
    std::string v = c.sval().sval();
    for (auto& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return v == "t" || v == "true" || v == "y" || v == "yes" || v == "on" || v == "1";
  }
  if (where.has_a_expr()) {
    const auto& e = where.a_expr();
    return e.kind() == pg_query::AEXPR_OP && tree::last_name(e.name()) == "=" && e.has_lexpr() && e.has_rexpr() &&
           same_constant(e.lexpr(), e.rexpr());
  }
  return false;
}

// Where to report a DELETE / UPDATE: the whole statement when it is the statement itself;
// for one nested in a WITH clause, from its keyword (found just before the target table) to the
// end of that line.
inline Finding at_dml(const StatementContext& ctx, const pg_query::RangeVar& target, bool nested, int keyword,
                      std::string message) {
  if (!nested || target.location() < 0) return ctx.at_statement(std::move(message));
  uint32_t at = ctx.offset(target.location());
  const auto& toks = ctx.parsed.tokens();
  size_t i = ctx.parsed.token_at_or_after(at);
  // DELETE FROM [ONLY] t, UPDATE [ONLY] t: the keyword is at most three tokens back. Statements
  // from DO bodies have no tokens of their own (the body is one string token): keep the table.
  for (size_t back = 1; back <= 3 && i >= back; ++back) {
    const auto& t = toks[i - back];
    if (t.begin < ctx.stmt.begin) break;
    if (t.kind == keyword) {
      at = t.begin;
      break;
    }
  }
  return ctx.at_location(static_cast<int>(at - ctx.stmt.base), std::move(message));
}

}  // namespace pgsafe::rules
