#include "analyzer/volatility.h"

#include <algorithm>
#include <iterator>

#include "parser/tree.h"

namespace pgsafe {

namespace {

struct Entry {
  std::string_view name;
  char volatility;  // 'i' or 's'
};

constexpr Entry kBuiltins[] = {
#define PGSAFE_VOLATILITY(name, v) {name, v},
#include "analyzer/data/function_volatility.inc"
#undef PGSAFE_VOLATILITY
};

Volatility worst(Volatility a, Volatility b) { return std::max(a, b); }

Volatility of_list(const tree::NodeList& items, Volatility acc = Volatility::Immutable) {
  for (const auto& n : items) {
    acc = worst(acc, expression_volatility(n));
    if (acc == Volatility::Volatile) break;
  }
  return acc;
}

}  // namespace

Volatility function_volatility(std::string_view name) {
  auto it = std::lower_bound(std::begin(kBuiltins), std::end(kBuiltins), name,
                             [](const Entry& e, std::string_view n) { return e.name < n; });
  if (it == std::end(kBuiltins) || it->name != name) return Volatility::Volatile;
  return it->volatility == 'i' ? Volatility::Immutable : Volatility::Stable;
}

Volatility expression_volatility(const pg_query::Node& n) {
  using N = pg_query::Node;
  switch (n.node_case()) {
    case N::kAConst:
      return Volatility::Immutable;
    case N::kTypeCast:
      // Type input and cast functions of built-in types are immutable or stable; what matters
      // is the value being cast ('now'::timestamptz is folded once when the DEFAULT is stored).
      return n.type_cast().has_arg() ? expression_volatility(n.type_cast().arg()) : Volatility::Immutable;
    case N::kSqlvalueFunction:
      // CURRENT_DATE, CURRENT_TIMESTAMP, LOCALTIME, CURRENT_USER, ...: fixed for the transaction.
      return Volatility::Stable;
    case N::kFuncCall: {
      const auto& f = n.func_call();
      if (f.funcname_size() == 0 || f.funcname_size() > 2) return Volatility::Volatile;
      if (f.funcname_size() == 2 && tree::string_value(f.funcname(0)) != "pg_catalog") return Volatility::Volatile;
      if (f.has_over()) return Volatility::Volatile;  // window functions have no place in a DEFAULT
      Volatility v = function_volatility(tree::string_value(f.funcname(f.funcname_size() - 1)));
      if (v == Volatility::Volatile) return v;
      return of_list(f.args(), v);
    }
    case N::kAExpr: {
      // Built-in operators on built-in types are immutable or stable; their operands decide.
      const auto& e = n.a_expr();
      Volatility v = Volatility::Immutable;
      if (e.has_lexpr()) v = worst(v, expression_volatility(e.lexpr()));
      if (e.has_rexpr()) v = worst(v, expression_volatility(e.rexpr()));
      return v;
    }
    case N::kBoolExpr: return of_list(n.bool_expr().args());
    case N::kCoalesceExpr: return of_list(n.coalesce_expr().args());
    case N::kMinMaxExpr: return of_list(n.min_max_expr().args());
    case N::kAArrayExpr: return of_list(n.a_array_expr().elements());
    case N::kRowExpr: return of_list(n.row_expr().args());
    case N::kNullTest: return n.null_test().has_arg() ? expression_volatility(n.null_test().arg()) : Volatility::Immutable;
    case N::kCaseExpr: {
      const auto& c = n.case_expr();
      Volatility v = c.has_arg() ? expression_volatility(c.arg()) : Volatility::Immutable;
      for (const auto& w : c.args())
        if (w.has_case_when()) {
          if (w.case_when().has_expr()) v = worst(v, expression_volatility(w.case_when().expr()));
          if (w.case_when().has_result()) v = worst(v, expression_volatility(w.case_when().result()));
        }
      if (c.has_defresult()) v = worst(v, expression_volatility(c.defresult()));
      return v;
    }
    default:
      return Volatility::Volatile;
  }
}

}  // namespace pgsafe
