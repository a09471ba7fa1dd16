#include "analyzer/catalog_expr.h"

#include "analyzer/catalog.h"
#include "parser/tree.h"

namespace pgsafe {

namespace {

std::string const_sql(const pg_query::A_Const& c) {
  if (c.isnull()) return "NULL";
  if (c.has_ival()) return std::to_string(c.ival().ival());
  if (c.has_fval()) return c.fval().fval();
  if (c.has_boolval()) return c.boolval().boolval() ? "true" : "false";
  if (c.has_sval()) return quote_literal(c.sval().sval());
  if (c.has_bsval()) return c.bsval().bsval();
  return "NULL";
}

std::string list_sql(const tree::NodeList& list, const char* sep = ", ") {
  std::string out;
  for (const auto& n : list) {
    if (!out.empty()) out += sep;
    out += expr_sql(n);
  }
  return out;
}

std::string op_name(const tree::NodeList& names) { return tree::last_name(names); }

std::string svf_sql(pg_query::SQLValueFunctionOp op, int typmod) {
  auto with = [&](const char* n) { return std::string(n) + (typmod >= 0 ? "(" + std::to_string(typmod) + ")" : ""); };
  switch (op) {
    case pg_query::SVFOP_CURRENT_DATE: return "CURRENT_DATE";
    case pg_query::SVFOP_CURRENT_TIME: return "CURRENT_TIME";
    case pg_query::SVFOP_CURRENT_TIME_N: return with("CURRENT_TIME");
    case pg_query::SVFOP_CURRENT_TIMESTAMP: return "CURRENT_TIMESTAMP";
    case pg_query::SVFOP_CURRENT_TIMESTAMP_N: return with("CURRENT_TIMESTAMP");
    case pg_query::SVFOP_LOCALTIME: return "LOCALTIME";
    case pg_query::SVFOP_LOCALTIME_N: return with("LOCALTIME");
    case pg_query::SVFOP_LOCALTIMESTAMP: return "LOCALTIMESTAMP";
    case pg_query::SVFOP_LOCALTIMESTAMP_N: return with("LOCALTIMESTAMP");
    case pg_query::SVFOP_CURRENT_ROLE: return "CURRENT_ROLE";
    case pg_query::SVFOP_CURRENT_USER: return "CURRENT_USER";
    case pg_query::SVFOP_USER: return "USER";
    case pg_query::SVFOP_SESSION_USER: return "SESSION_USER";
    case pg_query::SVFOP_CURRENT_CATALOG: return "CURRENT_CATALOG";
    case pg_query::SVFOP_CURRENT_SCHEMA: return "CURRENT_SCHEMA";
    default: return "...";
  }
}

// Operands of binary operators are parenthesised when they are themselves operators (IS NULL
// and IS TRUE tests included), so the text keeps the tree's grouping without tracking precedence
// and parses back to the same tree (drift compares it with what PostgreSQL prints).
std::string operand(const pg_query::Node& n) {
  std::string s = expr_sql(n);
  if (n.has_a_expr() || n.has_bool_expr() || n.has_null_test() || n.has_boolean_test()) return "(" + s + ")";
  return s;
}

}  // namespace

std::string expr_sql(const pg_query::Node& n) {
  using N = pg_query::Node;
  switch (n.node_case()) {
    case N::kAConst: return const_sql(n.a_const());
    case N::kColumnRef: {
      std::string out;
      for (const auto& f : n.column_ref().fields()) {
        if (!out.empty()) out += ".";
        out += f.has_a_star() ? "*" : quote_ident(tree::string_value(f));
      }
      return out;
    }
    case N::kParamRef: return "$" + std::to_string(n.param_ref().number());
    case N::kTypeCast: {
      const auto& tc = n.type_cast();
      std::string arg = tc.has_arg() ? expr_sql(tc.arg()) : "NULL";
      if (tc.has_arg() && (tc.arg().has_a_expr() || tc.arg().has_bool_expr())) arg = "(" + arg + ")";
      return arg + "::" + tree::format_type(tc.type_name());
    }
    case N::kAExpr: {
      const auto& e = n.a_expr();
      std::string op = op_name(e.name());
      switch (e.kind()) {
        case pg_query::AEXPR_OP:
          if (!e.has_lexpr()) return op + " " + operand(e.rexpr());
          return operand(e.lexpr()) + " " + op + " " + operand(e.rexpr());
        case pg_query::AEXPR_OP_ANY: return operand(e.lexpr()) + " " + op + " ANY (" + expr_sql(e.rexpr()) + ")";
        case pg_query::AEXPR_OP_ALL: return operand(e.lexpr()) + " " + op + " ALL (" + expr_sql(e.rexpr()) + ")";
        case pg_query::AEXPR_DISTINCT: return operand(e.lexpr()) + " IS DISTINCT FROM " + operand(e.rexpr());
        case pg_query::AEXPR_NOT_DISTINCT: return operand(e.lexpr()) + " IS NOT DISTINCT FROM " + operand(e.rexpr());
        case pg_query::AEXPR_NULLIF: return "NULLIF(" + expr_sql(e.lexpr()) + ", " + expr_sql(e.rexpr()) + ")";
        case pg_query::AEXPR_IN: {
          std::string list = e.rexpr().has_list() ? list_sql(e.rexpr().list().items()) : expr_sql(e.rexpr());
          return operand(e.lexpr()) + (op == "<>" ? " NOT IN (" : " IN (") + list + ")";
        }
        case pg_query::AEXPR_LIKE: return operand(e.lexpr()) + (op == "!~~" ? " NOT LIKE " : " LIKE ") + operand(e.rexpr());
        case pg_query::AEXPR_ILIKE: return operand(e.lexpr()) + (op == "!~~*" ? " NOT ILIKE " : " ILIKE ") + operand(e.rexpr());
        case pg_query::AEXPR_SIMILAR: return operand(e.lexpr()) + " SIMILAR TO " + operand(e.rexpr());
        case pg_query::AEXPR_BETWEEN:
        case pg_query::AEXPR_NOT_BETWEEN:
        case pg_query::AEXPR_BETWEEN_SYM:
        case pg_query::AEXPR_NOT_BETWEEN_SYM: {
          bool neg = e.kind() == pg_query::AEXPR_NOT_BETWEEN || e.kind() == pg_query::AEXPR_NOT_BETWEEN_SYM;
          bool sym = e.kind() == pg_query::AEXPR_BETWEEN_SYM || e.kind() == pg_query::AEXPR_NOT_BETWEEN_SYM;
          std::string range = e.rexpr().has_list() ? list_sql(e.rexpr().list().items(), " AND ") : expr_sql(e.rexpr());
          return operand(e.lexpr()) + (neg ? " NOT" : "") + " BETWEEN " + (sym ? "SYMMETRIC " : "") + range;
        }
        default: return "...";
      }
    }
    case N::kBoolExpr: {
      const auto& b = n.bool_expr();
      if (b.boolop() == pg_query::NOT_EXPR && b.args_size() == 1) return "NOT " + operand(b.args(0));
      std::string sep = b.boolop() == pg_query::AND_EXPR ? " AND " : " OR ";
      std::string out;
      for (const auto& a : b.args()) {
        if (!out.empty()) out += sep;
        out += operand(a);
      }
      return out;
    }
    case N::kFuncCall: {
      const auto& f = n.func_call();
      std::string name;
      for (const auto& p : f.funcname()) {
        std::string part = tree::string_value(p);
        if (part == "pg_catalog" && f.funcname_size() > 1) continue;
        if (!name.empty()) name += ".";
        name += quote_ident(part);
      }
      std::string args = f.agg_star() ? "*" : list_sql(f.args());
      return name + "(" + (f.agg_distinct() ? "DISTINCT " : "") + args + ")";
    }
    case N::kNullTest: {
      const auto& t = n.null_test();
      return operand(t.arg()) + (t.nulltesttype() == pg_query::IS_NULL ? " IS NULL" : " IS NOT NULL");
    }
    case N::kBooleanTest: {
      const auto& t = n.boolean_test();
      static const char* names[] = {"", " IS TRUE", " IS NOT TRUE", " IS FALSE", " IS NOT FALSE", " IS UNKNOWN", " IS NOT UNKNOWN"};
      int k = static_cast<int>(t.booltesttype());
      return operand(t.arg()) + (k >= 1 && k <= 6 ? names[k] : "");
    }
    case N::kSqlvalueFunction: return svf_sql(n.sqlvalue_function().op(), n.sqlvalue_function().typmod());
    case N::kCoalesceExpr: return "COALESCE(" + list_sql(n.coalesce_expr().args()) + ")";
    case N::kMinMaxExpr:
      return std::string(n.min_max_expr().op() == pg_query::IS_GREATEST ? "GREATEST(" : "LEAST(") +
             list_sql(n.min_max_expr().args()) + ")";
    case N::kCaseExpr: {
      const auto& c = n.case_expr();
      std::string out = "CASE";
      if (c.has_arg()) out += " " + expr_sql(c.arg());
      for (const auto& w : c.args())
        if (w.has_case_when()) out += " WHEN " + expr_sql(w.case_when().expr()) + " THEN " + expr_sql(w.case_when().result());
      if (c.has_defresult()) out += " ELSE " + expr_sql(c.defresult());
      return out + " END";
    }
    case N::kAArrayExpr: return "ARRAY[" + list_sql(n.a_array_expr().elements()) + "]";
    case N::kRowExpr: return "ROW(" + list_sql(n.row_expr().args()) + ")";
    case N::kCollateClause:
      return operand(n.collate_clause().arg()) + " COLLATE " + tree::join_names(n.collate_clause().collname());
    case N::kSubLink: {
      const auto& s = n.sub_link();
      if (s.sub_link_type() == pg_query::EXISTS_SUBLINK) return "EXISTS (SELECT ...)";
      if (s.sub_link_type() == pg_query::ANY_SUBLINK && s.has_testexpr()) return operand(s.testexpr()) + " IN (SELECT ...)";
      return "(SELECT ...)";
    }
    case N::kList: return "(" + list_sql(n.list().items()) + ")";
    case N::kString: return n.string().sval();
    default: return "...";
  }
}

bool expr_is_literally_true(const pg_query::Node& n) {
  if (n.has_a_const()) return n.a_const().has_boolval() && n.a_const().boolval().boolval();
  if (n.has_type_cast()) {
    const auto& tc = n.type_cast();
    if (tree::base_type_name(tc.type_name()) != "bool" || !tc.has_arg()) return false;
    if (tc.arg().has_a_const()) {
      const auto& c = tc.arg().a_const();
      if (c.has_boolval()) return c.boolval().boolval();
      if (c.has_ival()) return c.ival().ival() != 0;
      if (c.has_sval()) {
        std::string v = c.sval().sval();
        for (auto& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return v == "t" || v == "true" || v == "y" || v == "yes" || v == "on" || v == "1";
      }
    }
    return expr_is_literally_true(tc.arg());
  }
  if (n.has_a_expr()) {
    // 1 = 1, 'a' = 'a': two identical constants compared for equality.
    const auto& e = n.a_expr();
    return e.kind() == pg_query::AEXPR_OP && op_name(e.name()) == "=" && e.has_lexpr() && e.has_rexpr() &&
           e.lexpr().has_a_const() && e.rexpr().has_a_const() && expr_sql(e.lexpr()) == expr_sql(e.rexpr());
  }
  if (n.has_bool_expr()) {
    const auto& b = n.bool_expr();
    if (b.boolop() == pg_query::OR_EXPR) {
      for (const auto& a : b.args())
        if (expr_is_literally_true(a)) return true;
      return false;
    }
    if (b.boolop() == pg_query::AND_EXPR) {
      for (const auto& a : b.args())
        if (!expr_is_literally_true(a)) return false;
      return b.args_size() > 0;
    }
  }
  return false;
}

bool expr_may_lose_information(const pg_query::Node& root) {
  static const char* lossy[] = {"left", "right", "substr", "substring", "round", "trunc", "date_trunc", "split_part",
                                "floor", "ceil", "ceiling", "date", "to_date", "btrim", "trim", "ltrim", "rtrim",
                                "md5", "overlay", "nullif", "lower", "upper", "abs", "date_part", "extract"};
  bool found = false;
  tree::for_each_message(root, [&](const google::protobuf::Message& m) {
    if (found) return false;
    if (const auto* f = dynamic_cast<const pg_query::FuncCall*>(&m)) {
      std::string name = tree::last_name(f->funcname());
      for (const char* l : lossy)
        if (name == l) found = true;
    }
    if (const auto* tc = dynamic_cast<const pg_query::TypeCast*>(&m)) {
      std::string t = tree::base_type_name(tc->type_name());
      // Casting to a bounded or coarser type on the way is a narrowing the catalog cannot see.
      if (!tree::type_modifiers(tc->type_name()).empty() || t == "int2" || t == "int4" || t == "date" || t == "bool")
        found = true;
    }
    return true;
  });
  return found;
}

bool expr_is_column(const pg_query::Node& n, const std::string& column) {
  if (n.has_type_cast() && n.type_cast().has_arg()) return expr_is_column(n.type_cast().arg(), column);
  if (!n.has_column_ref()) return false;
  const auto& f = n.column_ref().fields();
  return f.size() >= 1 && tree::string_value(f[f.size() - 1]) == column;
}

}  // namespace pgsafe
