#include "analyzer/synth_check.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "analyzer/synth_time.h"
#include "parser/parser.h"
#include "parser/tree.h"

namespace pgsafe::synth {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Expr unsupported(std::string what, bool strict = false) {
  Expr e;
  e.kind = Expr::Kind::Unsupported;
  e.value = std::move(what);
  e.negated = strict;  // for Unsupported: NULL in a child makes the node NULL
  return e;
}

bool is_comparison(const std::string& op) {
  return op == "=" || op == "<>" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=";
}

bool numeric_type(const std::string& t) {
  return t == "int2" || t == "int4" || t == "int8" || t == "numeric" || t == "float4" || t == "float8" || t == "money";
}

Expr convert(const pg_query::Node& n);

Expr convert_const(const pg_query::A_Const& c) {
  Expr e;
  e.kind = Expr::Kind::Const;
  if (c.isnull()) {
    e.kind = Expr::Kind::Null;
  } else if (c.has_ival()) {
    e.value = std::to_string(c.ival().ival());
    e.const_type = Expr::ConstType::Number;
  } else if (c.has_fval()) {
    e.value = c.fval().fval();
    e.const_type = Expr::ConstType::Number;
  } else if (c.has_boolval()) {
    e.value = c.boolval().boolval() ? "true" : "false";
    e.const_type = Expr::ConstType::Bool;
  } else if (c.has_sval()) {
    e.value = c.sval().sval();
  } else {
    return unsupported("a bit-string constant");
  }
  return e;
}

std::vector<Expr> convert_list(const pg_query::Node& n) {
  std::vector<Expr> out;
  if (n.has_list()) {
    for (const auto& i : n.list().items()) out.push_back(convert(i));
  } else if (n.has_a_array_expr()) {
    for (const auto& i : n.a_array_expr().elements()) out.push_back(convert(i));
  } else if (n.has_type_cast() && n.type_cast().has_arg()) {
    return convert_list(n.type_cast().arg());  // ARRAY[...]::text[]
  } else {
    out.push_back(unsupported("a list that is not written out"));
  }
  return out;
}

Expr binary(Expr::Kind kind, std::string name, Expr a, Expr b) {
  Expr e;
  e.kind = kind;
  e.name = std::move(name);
  e.args.push_back(std::move(a));
  e.args.push_back(std::move(b));
  return e;
}

Expr convert_a_expr(const pg_query::A_Expr& a) {
  std::string op = tree::last_name(a.name());
  switch (a.kind()) {
    case pg_query::AEXPR_OP: {
      if (!a.has_lexpr()) {
        Expr r = convert(a.rexpr());
        if (op == "-" && r.kind == Expr::Kind::Const && r.const_type == Expr::ConstType::Number) {
          r.value = r.value.rfind('-', 0) == 0 ? r.value.substr(1) : "-" + r.value;
          return r;
        }
        if (op == "+") return r;
        Expr u = unsupported("the prefix operator " + op, true);
        u.args.push_back(std::move(r));
        return u;
      }
      Expr l = convert(a.lexpr()), r = convert(a.rexpr());
      if (is_comparison(op)) return binary(Expr::Kind::Compare, op == "!=" ? "<>" : op, std::move(l), std::move(r));
      if (op == "+" || op == "-" || op == "*" || op == "/") return binary(Expr::Kind::Func, op, std::move(l), std::move(r));
      std::string what = op == "~" || op == "~*" || op == "!~" || op == "!~*" ? "a regular expression match (" + op + ")"
                                                                                : "the operator " + op;
      Expr u = unsupported(what, true);
      u.args.push_back(std::move(l));
      u.args.push_back(std::move(r));
      return u;
    }
    case pg_query::AEXPR_OP_ANY:
    case pg_query::AEXPR_OP_ALL:
    case pg_query::AEXPR_IN: {
      bool any = a.kind() == pg_query::AEXPR_OP_ANY, all = a.kind() == pg_query::AEXPR_OP_ALL;
      bool in = a.kind() == pg_query::AEXPR_IN;
      if (!(in || (any && op == "=") || (all && op == "<>"))) {
        Expr u = unsupported(std::string("the operator ") + op + (any ? " ANY" : " ALL"), true);
        u.args.push_back(convert(a.lexpr()));
        return u;
      }
      Expr e;
      e.kind = Expr::Kind::In;
      e.negated = all || (in && op == "<>");
      e.args.push_back(convert(a.lexpr()));
      for (auto& i : convert_list(a.rexpr())) e.args.push_back(std::move(i));
      return e;
    }
    case pg_query::AEXPR_DISTINCT:
      return binary(Expr::Kind::Compare, "IS DISTINCT FROM", convert(a.lexpr()), convert(a.rexpr()));
    case pg_query::AEXPR_NOT_DISTINCT:
      return binary(Expr::Kind::Compare, "IS NOT DISTINCT FROM", convert(a.lexpr()), convert(a.rexpr()));
    case pg_query::AEXPR_BETWEEN:
    case pg_query::AEXPR_NOT_BETWEEN: {
      auto range = convert_list(a.rexpr());
      if (range.size() != 2) return unsupported("BETWEEN");
      Expr e;
      e.kind = Expr::Kind::Between;
      e.negated = a.kind() == pg_query::AEXPR_NOT_BETWEEN;
      e.args.push_back(convert(a.lexpr()));
      e.args.push_back(std::move(range[0]));
      e.args.push_back(std::move(range[1]));
      return e;
    }
    case pg_query::AEXPR_LIKE:
    case pg_query::AEXPR_ILIKE:
    case pg_query::AEXPR_SIMILAR: {
      Expr u = unsupported(a.kind() == pg_query::AEXPR_SIMILAR ? "SIMILAR TO" : a.kind() == pg_query::AEXPR_LIKE ? "LIKE" : "ILIKE", true);
      u.args.push_back(convert(a.lexpr()));
      return u;
    }
    default: {
      Expr u = unsupported("an operator form pgsafe does not evaluate");
      if (a.has_lexpr()) u.args.push_back(convert(a.lexpr()));
      if (a.has_rexpr()) u.args.push_back(convert(a.rexpr()));
      return u;
    }
  }
}

Expr convert_func(const pg_query::FuncCall& f) {
  std::string name = lower(tree::last_name(f.funcname()));
  static const std::set<std::string> known = {"length", "char_length", "character_length", "octet_length", "lower",
                                              "upper", "btrim", "ltrim", "rtrim", "num_nonnulls", "num_nulls"};
  static const std::set<std::string> not_strict = {"coalesce", "concat", "concat_ws", "num_nulls", "num_nonnulls",
                                                   "greatest", "least", "format", "nullif"};
  std::vector<Expr> args;
  for (const auto& a : f.args()) args.push_back(convert(a));
  bool trim_chars = (name == "btrim" || name == "ltrim" || name == "rtrim") && args.size() != 1;
  if (known.count(name) && !f.agg_star() && !f.has_over() && !trim_chars && !args.empty()) {
    Expr e;
    e.kind = Expr::Kind::Func;
    e.name = name;
    e.args = std::move(args);
    return e;
  }
  Expr u = unsupported("the function " + name + "()", !not_strict.count(name));
  u.args = std::move(args);
  return u;
}

Expr convert(const pg_query::Node& n) {
  using N = pg_query::Node;
  switch (n.node_case()) {
    case N::kAConst: return convert_const(n.a_const());
    case N::kColumnRef: {
      const auto& fields = n.column_ref().fields();
      if (fields.empty() || fields.rbegin()->has_a_star()) return unsupported("*");
      Expr e;
      e.kind = Expr::Kind::Column;
      e.name = tree::string_value(*fields.rbegin());
      return e;
    }
    case N::kTypeCast: {
      const auto& tc = n.type_cast();
      if (!tc.has_arg()) return unsupported("a cast");
      Expr e = convert(tc.arg());
      if (e.kind == Expr::Kind::Const && tc.has_type_name()) {
        std::string t = tree::base_type_name(tc.type_name());
        if (t == "bool") e.const_type = Expr::ConstType::Bool;
        else if (numeric_type(t)) e.const_type = Expr::ConstType::Number;
        else e.const_type = Expr::ConstType::Text;
        if (tc.type_name().array_bounds_size() > 0) return unsupported("an array constant");
      }
      return e;
    }
    case N::kAExpr: return convert_a_expr(n.a_expr());
    case N::kBoolExpr: {
      const auto& b = n.bool_expr();
      Expr e;
      e.kind = b.boolop() == pg_query::AND_EXPR ? Expr::Kind::And : b.boolop() == pg_query::OR_EXPR ? Expr::Kind::Or : Expr::Kind::Not;
      for (const auto& a : b.args()) e.args.push_back(convert(a));
      if (e.kind == Expr::Kind::Not && e.args.size() != 1) return unsupported("NOT");
      return e;
    }
    case N::kNullTest: {
      Expr e;
      e.kind = n.null_test().nulltesttype() == pg_query::IS_NULL ? Expr::Kind::IsNull : Expr::Kind::IsNotNull;
      e.args.push_back(convert(n.null_test().arg()));
      return e;
    }
    case N::kBooleanTest: {
      static const char* names[] = {"", "IS TRUE", "IS NOT TRUE", "IS FALSE", "IS NOT FALSE", "IS UNKNOWN", "IS NOT UNKNOWN"};
      int k = static_cast<int>(n.boolean_test().booltesttype());
      if (k < 1 || k > 6) return unsupported("a boolean test");
      Expr e;
      e.kind = Expr::Kind::BoolTest;
      e.name = names[k];
      e.args.push_back(convert(n.boolean_test().arg()));
      return e;
    }
    case N::kFuncCall: return convert_func(n.func_call());
    case N::kCoalesceExpr: {
      Expr e;
      e.kind = Expr::Kind::Func;
      e.name = "coalesce";
      for (const auto& a : n.coalesce_expr().args()) e.args.push_back(convert(a));
      return e;
    }
    case N::kCollateClause: return convert(n.collate_clause().arg());
    case N::kSqlvalueFunction: return unsupported("the current date or time (it changes; a CHECK on it is not evaluated)", true);
    case N::kSubLink: return unsupported("a sub-query");
    case N::kCaseExpr: {
      Expr u = unsupported("CASE");
      for (const auto& w : n.case_expr().args())
        if (w.has_case_when()) {
          u.args.push_back(convert(w.case_when().expr()));
          u.args.push_back(convert(w.case_when().result()));
        }
      if (n.case_expr().has_arg()) u.args.push_back(convert(n.case_expr().arg()));
      if (n.case_expr().has_defresult()) u.args.push_back(convert(n.case_expr().defresult()));
      return u;
    }
    default: return unsupported(std::string(tree::node_type_name(n)));
  }
}

void flatten(const Expr& e, Expr::Kind kind, std::vector<const Expr*>& out) {
  if (e.kind == kind) {
    for (const auto& a : e.args) flatten(a, kind, out);
  } else {
    out.push_back(&e);
  }
}

std::string negate_op(const std::string& op) {
  if (op == "=") return "<>";
  if (op == "<>") return "=";
  if (op == "<") return ">=";
  if (op == ">=") return "<";
  if (op == ">") return "<=";
  if (op == "<=") return ">";
  if (op == "IS DISTINCT FROM") return "IS NOT DISTINCT FROM";
  return "IS DISTINCT FROM";
}

size_t utf8_length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::optional<Expr> parse_check(const std::string& sql, std::string& error) {
  parser::ParsedFile parsed = parser::parse_sql("SELECT (" + sql + ")");
  const auto& stmts = parsed.statements();
  if (stmts.size() != 1 || !stmts[0].node || stmts[0].error || !stmts[0].node->has_select_stmt() ||
      stmts[0].node->select_stmt().target_list_size() != 1 ||
      !stmts[0].node->select_stmt().target_list(0).has_res_target()) {
    error = stmts.size() == 1 && stmts[0].error ? stmts[0].error->message : "not a single expression";
    return std::nullopt;
  }
  return convert(stmts[0].node->select_stmt().target_list(0).res_target().val());
}

std::vector<const Expr*> conjuncts(const Expr& e) {
  std::vector<const Expr*> out;
  flatten(e, Expr::Kind::And, out);
  return out;
}

std::vector<const Expr*> disjuncts(const Expr& e) {
  std::vector<const Expr*> out;
  flatten(e, Expr::Kind::Or, out);
  return out;
}

void referenced_columns(const Expr& e, std::set<std::string>& out) {
  if (e.kind == Expr::Kind::Column) out.insert(e.name);
  for (const auto& a : e.args) referenced_columns(a, out);
}

std::string first_unsupported(const Expr& e) {
  if (e.kind == Expr::Kind::Unsupported) return e.value;
  for (const auto& a : e.args) {
    std::string s = first_unsupported(a);
    if (!s.empty()) return s;
  }
  return "";
}

void strict_columns(const Expr& e, std::set<std::string>& out) {
  using K = Expr::Kind;
  switch (e.kind) {
    case K::Column: out.insert(e.name); return;
    case K::Compare:
      if (e.name == "IS DISTINCT FROM" || e.name == "IS NOT DISTINCT FROM") return;
      for (const auto& a : e.args) strict_columns(a, out);
      return;
    case K::In:
    case K::Between: strict_columns(e.args[0], out); return;
    case K::Not: strict_columns(e.args[0], out); return;
    case K::Or:  // NULL OR x is NULL or true: never false
      for (const auto& a : e.args) strict_columns(a, out);
      return;
    case K::And: {  // NULL AND false is false: only a column that nulls every operand
      std::set<std::string> common;
      bool first = true;
      for (const auto& a : e.args) {
        std::set<std::string> s;
        strict_columns(a, s);
        if (first) common = s;
        else {
          std::set<std::string> keep;
          for (const auto& c : common)
            if (s.count(c)) keep.insert(c);
          common = keep;
        }
        first = false;
      }
      out.insert(common.begin(), common.end());
      return;
    }
    case K::Func:
      if (e.name == "coalesce" || e.name == "num_nonnulls" || e.name == "num_nulls") return;
      for (const auto& a : e.args) strict_columns(a, out);
      return;
    case K::Unsupported:
      if (e.negated)
        for (const auto& a : e.args) strict_columns(a, out);
      return;
    default: return;
  }
}

Expr negation_normal_form(const Expr& e, bool negate) {
  using K = Expr::Kind;
  Expr out = e;
  switch (e.kind) {
    case K::And:
    case K::Or:
      out.kind = negate ? (e.kind == K::And ? K::Or : K::And) : e.kind;
      out.args.clear();
      for (const auto& a : e.args) out.args.push_back(negation_normal_form(a, negate));
      return out;
    case K::Not: return negation_normal_form(e.args[0], !negate);
    case K::IsNull:
    case K::IsNotNull:
      if (negate) out.kind = e.kind == K::IsNull ? K::IsNotNull : K::IsNull;
      return out;
    case K::Compare:
      if (negate) out.name = negate_op(e.name);
      return out;
    case K::In:
    case K::Between:
      if (negate) out.negated = !e.negated;
      return out;
    case K::BoolTest:
      if (negate) {
        const std::string& n = e.name;
        out.name = n.find(" NOT ") != std::string::npos ? "IS " + n.substr(7) : "IS NOT " + n.substr(3);
      }
      return out;
    default:
      if (!negate) return out;
      Expr n;
      n.kind = K::Not;
      n.args.push_back(e);
      return n;
  }
}

std::optional<int64_t> parse_time_constant(const std::string& text, bool time_of_day) {
  const char* s = text.c_str();
  auto digits = [&](int count, int& value) {
    value = 0;
    for (int i = 0; i < count; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(*s))) return false;
      value = value * 10 + (*s++ - '0');
    }
    return true;
  };
  while (*s == ' ') ++s;
  int64_t out = 0;
  bool has_date = std::isdigit(static_cast<unsigned char>(s[0])) && text.find('-') != std::string::npos && !time_of_day;
  if (has_date) {
    int y, m, d;
    if (!digits(4, y) || *s++ != '-' || !digits(2, m) || *s++ != '-' || !digits(2, d)) return std::nullopt;
    if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    out = days_from_civil(y, m, d) * 86400;
    if (*s == 'T' || *s == ' ') ++s;
    else if (*s) return std::nullopt;
    if (!*s) return out;
  }
  int h, mi, sec = 0;
  if (!digits(2, h) || *s++ != ':' || !digits(2, mi)) return std::nullopt;
  if (*s == ':') {
    ++s;
    if (!digits(2, sec)) return std::nullopt;
  }
  if (*s == '.')
    for (++s; std::isdigit(static_cast<unsigned char>(*s));) ++s;
  out += h * 3600 + mi * 60 + sec;
  if (*s == '+' || *s == '-') {
    int sign = *s++ == '-' ? -1 : 1, oh = 0, om = 0;
    if (!digits(2, oh)) return std::nullopt;
    if (*s == ':') ++s;
    if (*s) digits(2, om);
    out -= sign * (oh * 3600 + om * 60);
  } else if (*s == 'Z' || *s == 'z') {
    ++s;
  }
  if (*s) return std::nullopt;
  return out;
}

namespace detail {

Value constant(const Expr& e) {
  switch (e.const_type) {
    case Expr::ConstType::Number: return {true, Cell::num(std::strtold(e.value.c_str(), nullptr))};
    case Expr::ConstType::Bool: return {true, Cell::flag(e.value == "true")};
    default: return {true, Cell::str(e.value)};
  }
}

Truth truth_of(const Value& v) {
  if (!v.known) return Truth::Unknown;
  if (v.cell.kind == Cell::Kind::Null) return Truth::Null;
  if (v.cell.kind == Cell::Kind::Bool) return v.cell.boolean ? Truth::True : Truth::False;
  if (v.cell.kind == Cell::Kind::Text) {
    std::string t = lower(v.cell.text);
    if (t == "t" || t == "true" || t == "yes" || t == "on" || t == "1") return Truth::True;
    if (t == "f" || t == "false" || t == "no" || t == "off" || t == "0") return Truth::False;
  }
  return Truth::Unknown;
}

Truth and_of(Truth a, Truth b) {
  if (a == Truth::False || b == Truth::False) return Truth::False;
  if (a == Truth::Unknown || b == Truth::Unknown) return Truth::Unknown;
  if (a == Truth::Null || b == Truth::Null) return Truth::Null;
  return Truth::True;
}

Truth or_of(Truth a, Truth b) {
  if (a == Truth::True || b == Truth::True) return Truth::True;
  if (a == Truth::Unknown || b == Truth::Unknown) return Truth::Unknown;
  if (a == Truth::Null || b == Truth::Null) return Truth::Null;
  return Truth::False;
}

Truth not_of(Truth a) {
  if (a == Truth::True) return Truth::False;
  if (a == Truth::False) return Truth::True;
  return a;
}

namespace {

// -1, 0, 1, or nullopt when the two cannot be compared here.
std::optional<int> order(const Cell& a, const Cell& b) {
  using K = Cell::Kind;
  auto cmp = [](auto x, auto y) { return x < y ? -1 : x > y ? 1 : 0; };
  if (a.kind == K::Opaque || b.kind == K::Opaque) return std::nullopt;
  if (a.kind == K::Number && b.kind == K::Number) return cmp(a.number, b.number);
  if (a.kind == K::Number && b.kind == K::Text) {
    char* end = nullptr;
    long double v = std::strtold(b.text.c_str(), &end);
    if (end == b.text.c_str() || *end) return std::nullopt;
    return cmp(a.number, v);
  }
  if (a.kind == K::Text && b.kind == K::Number) {
    auto r = order(b, a);
    if (!r) return r;
    return -*r;
  }
  if (a.kind == K::Time && b.kind == K::Time) return cmp(a.time, b.time);
  if (a.kind == K::Time && b.kind == K::Text) {
    auto t = parse_time_constant(b.text, a.time_of_day);
    if (!t) return std::nullopt;
    return cmp(a.time, *t);
  }
  if (a.kind == K::Text && b.kind == K::Time) {
    auto r = order(b, a);
    if (!r) return r;
    return -*r;
  }
  if (a.kind == K::Bool || b.kind == K::Bool) {
    Truth x = truth_of({true, a}), y = truth_of({true, b});
    if (x == Truth::Unknown || y == Truth::Unknown) return std::nullopt;
    return cmp(x == Truth::True, y == Truth::True);
  }
  if (a.kind == K::Text && b.kind == K::Text) {
    const auto* labels = a.labels ? a.labels : b.labels;
    if (labels) {
      auto pos = [&](const std::string& s) { return std::find(labels->begin(), labels->end(), s) - labels->begin(); };
      auto x = pos(a.text), y = pos(b.text);
      if (x == static_cast<long>(labels->size()) || y == static_cast<long>(labels->size())) return std::nullopt;
      return cmp(x, y);
    }
    int c = a.text.compare(b.text);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  return std::nullopt;
}

}  // namespace

Truth compare(const std::string& op, const Value& a, const Value& b) {
  if (!a.known || !b.known) return Truth::Unknown;
  bool an = a.cell.is_null(), bn = b.cell.is_null();
  if (op == "IS DISTINCT FROM" || op == "IS NOT DISTINCT FROM") {
    bool distinct;
    if (an || bn) distinct = an != bn;
    else {
      auto o = order(a.cell, b.cell);
      if (!o) return Truth::Unknown;
      distinct = *o != 0;
    }
    return distinct == (op == "IS DISTINCT FROM") ? Truth::True : Truth::False;
  }
  if (an || bn) return Truth::Null;
  auto o = order(a.cell, b.cell);
  if (!o) return Truth::Unknown;
  bool r = false;
  if (op == "=") r = *o == 0;
  else if (op == "<>") r = *o != 0;
  else if (op == "<") r = *o < 0;
  else if (op == "<=") r = *o <= 0;
  else if (op == ">") r = *o > 0;
  else if (op == ">=") r = *o >= 0;
  else return Truth::Unknown;
  return r ? Truth::True : Truth::False;
}

Value apply_function(const std::string& name, const std::vector<Value>& args) {
  if (name == "num_nonnulls" || name == "num_nulls") {
    long double n = 0;
    for (const auto& a : args) {
      if (!a.known) return {false, {}};
      n += a.cell.is_null() == (name == "num_nulls");
    }
    return {true, Cell::num(n)};
  }
  if (name == "coalesce") {
    for (const auto& a : args) {
      if (!a.known) return {false, {}};
      if (!a.cell.is_null()) return a;
    }
    return {true, Cell::null()};
  }
  if (args.empty()) return {false, {}};
  for (const auto& a : args) {
    if (!a.known) return {false, {}};
    if (a.cell.is_null()) return {true, Cell::null()};
  }
  const Cell& x = args[0].cell;
  if (name == "+" || name == "-" || name == "*" || name == "/") {
    if (args.size() != 2 || x.kind != Cell::Kind::Number || args[1].cell.kind != Cell::Kind::Number) return {false, {}};
    long double y = args[1].cell.number;
    if (name == "+") return {true, Cell::num(x.number + y)};
    if (name == "-") return {true, Cell::num(x.number - y)};
    if (name == "*") return {true, Cell::num(x.number * y)};
    return {false, {}};  // integer or numeric division: the operand types decide; not evaluated
  }
  if (x.kind != Cell::Kind::Text) return {false, {}};
  if (name == "length" || name == "char_length" || name == "character_length")
    return {true, Cell::num(static_cast<long double>(utf8_length(x.text)))};
  if (name == "octet_length") return {true, Cell::num(static_cast<long double>(x.text.size()))};
  std::string s = x.text;
  if (name == "lower") return {true, Cell::str(lower(s))};
  if (name == "upper") {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return {true, Cell::str(s)};
  }
  size_t b = name == "rtrim" ? 0 : s.find_first_not_of(' ');
  if (b == std::string::npos) return {true, Cell::str("")};
  size_t e = name == "ltrim" ? s.size() : s.find_last_not_of(' ') + 1;
  return {true, Cell::str(s.substr(b, e - b))};
}

}  // namespace detail

}  // namespace pgsafe::synth
