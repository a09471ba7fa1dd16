#pragma once
// CHECK expressions for the data generator (synth.h): the catalog keeps each CHECK (and each
// domain CHECK) as SQL text; here it is parsed once into a small tree of the forms the generator
// understands, and evaluated on a generated row with SQL's three-valued logic. A row is emitted
// only when every CHECK of its table evaluates to true or NULL (what PostgreSQL accepts).
//
// Understood: column references (VALUE in a domain), constants and casts of them, comparisons
// (= <> < <= > >=, IS [NOT] DISTINCT FROM) between columns and constants, AND / OR / NOT,
// IS [NOT] NULL, IS [NOT] TRUE/FALSE/UNKNOWN, IN / NOT IN lists, = ANY (ARRAY[...]), <> ALL,
// BETWEEN, + - * / on numbers, length() / char_length() / octet_length(), lower() / upper() /
// btrim(), num_nonnulls() / num_nulls(), coalesce(). Anything else is Unsupported, with what it
// was, so messages can name it (regular expressions, LIKE, now(), sub-queries, ...).
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pgsafe::synth {

struct Expr {
  enum class Kind { Column, Const, Null, And, Or, Not, Compare, IsNull, IsNotNull, In, Between, Func, BoolTest, Unsupported };
  enum class ConstType { Text, Number, Bool };
  Kind kind = Kind::Unsupported;
  std::string name;          // column name, operator ("=", "<", "IS DISTINCT FROM", "+"), function, bool test
  std::string value;         // constant as text ("42", "abc", "true"); Unsupported: what was not understood
  ConstType const_type = ConstType::Text;
  bool negated = false;      // NOT IN, NOT BETWEEN
  std::vector<Expr> args;    // operands; In: args[0] IN args[1..]; Between: args[0] BETWEEN args[1] AND args[2]
};

// Parses an expression as the catalog stores it. nullopt (with error set) when the text does not
// parse; unsupported parts inside it are Unsupported nodes, not a failure.
std::optional<Expr> parse_check(const std::string& sql, std::string& error);

// The top-level conjuncts of an expression (a AND (b AND c) -> a, b, c).
std::vector<const Expr*> conjuncts(const Expr& e);
// The alternatives of an expression (a OR (b OR c) -> a, b, c).
std::vector<const Expr*> disjuncts(const Expr& e);
// Columns the expression references.
void referenced_columns(const Expr& e, std::set<std::string>& out);
// The first Unsupported node's description, or "" when the whole expression is understood.
std::string first_unsupported(const Expr& e);
// Columns whose NULL makes the expression NULL (every path from the root to them passes only
// through strict operators), so setting one of them to NULL satisfies the CHECK.
void strict_columns(const Expr& e, std::set<std::string>& out);
// Negation pushed down to the leaves (NOT (a AND b) -> NOT a OR NOT b, NOT a IS NULL -> a IS NOT
// NULL, NOT a < b -> a >= b), so the alternatives of a CHECK can be read as plain atoms.
Expr negation_normal_form(const Expr& e, bool negate = false);

// A value in a generated row, as the evaluator sees it.
struct Cell {
  enum class Kind { Null, Number, Text, Bool, Time, Opaque };  // Opaque: not NULL, value unknown (from the server)
  Kind kind = Kind::Null;
  long double number = 0;
  std::string text;
  bool boolean = false;
  int64_t time = 0;                                   // seconds since 1970-01-01 (UTC), or of the day for time
  bool time_of_day = false;                           // time / timetz: time counts seconds of the day
  const std::vector<std::string>* labels = nullptr;   // an enum value: its type's labels, for ordering
  static Cell null() { return {}; }
  static Cell num(long double v) { Cell c; c.kind = Kind::Number; c.number = v; return c; }
  static Cell str(std::string v) { Cell c; c.kind = Kind::Text; c.text = std::move(v); return c; }
  static Cell flag(bool v) { Cell c; c.kind = Kind::Bool; c.boolean = v; return c; }
  static Cell at(int64_t seconds) { Cell c; c.kind = Kind::Time; c.time = seconds; return c; }
  static Cell opaque() { Cell c; c.kind = Kind::Opaque; return c; }
  bool is_null() const { return kind == Kind::Null; }
};

enum class Truth { False, True, Null, Unknown };  // Unknown: depends on values only the server knows

// The truth of a boolean expression over a row; lookup returns the cell of a column (null when
// the column is not in the row: Unknown).
template <typename Lookup>
Truth evaluate(const Expr& e, const Lookup& lookup);

// Parses a date, time or timestamp constant ('2024-01-31', '2024-01-31 10:00:00+00', '10:30').
std::optional<int64_t> parse_time_constant(const std::string& text, bool time_of_day);

namespace detail {
struct Value {
  bool known = true;
  Cell cell;
};
template <typename Lookup>
Value value_of(const Expr& e, const Lookup& lookup);
Truth compare(const std::string& op, const Value& a, const Value& b);
Value apply_function(const std::string& name, const std::vector<Value>& args);
Truth truth_of(const Value& v);
Truth and_of(Truth a, Truth b);
Truth or_of(Truth a, Truth b);
Truth not_of(Truth a);
Value constant(const Expr& e);
}  // namespace detail

template <typename Lookup>
detail::Value detail::value_of(const Expr& e, const Lookup& lookup) {
  switch (e.kind) {
    case Expr::Kind::Column: {
      const Cell* c = lookup(e.name);
      if (!c) return {false, {}};
      return {true, *c};
    }
    case Expr::Kind::Const: return constant(e);
    case Expr::Kind::Null: return {true, Cell::null()};
    case Expr::Kind::Func: {
      std::vector<Value> args;
      for (const auto& a : e.args) args.push_back(value_of(a, lookup));
      return apply_function(e.name, args);
    }
    case Expr::Kind::Unsupported: return {false, {}};
    default: {
      Truth t = evaluate(e, lookup);
      if (t == Truth::Unknown) return {false, {}};
      if (t == Truth::Null) return {true, Cell::null()};
      return {true, Cell::flag(t == Truth::True)};
    }
  }
}

template <typename Lookup>
Truth evaluate(const Expr& e, const Lookup& lookup) {
  using K = Expr::Kind;
  switch (e.kind) {
    case K::And: {
      Truth t = Truth::True;
      for (const auto& a : e.args) t = detail::and_of(t, evaluate(a, lookup));
      return t;
    }
    case K::Or: {
      Truth t = Truth::False;
      for (const auto& a : e.args) t = detail::or_of(t, evaluate(a, lookup));
      return t;
    }
    case K::Not: return detail::not_of(evaluate(e.args[0], lookup));
    case K::IsNull:
    case K::IsNotNull: {
      auto v = detail::value_of(e.args[0], lookup);
      if (!v.known) return Truth::Unknown;
      bool null = v.cell.is_null();
      return (e.kind == K::IsNull) == null ? Truth::True : Truth::False;
    }
    case K::BoolTest: {
      Truth t = evaluate(e.args[0], lookup);
      if (t == Truth::Unknown) return t;
      bool r = false;
      if (e.name == "IS TRUE") r = t == Truth::True;
      else if (e.name == "IS NOT TRUE") r = t != Truth::True;
      else if (e.name == "IS FALSE") r = t == Truth::False;
      else if (e.name == "IS NOT FALSE") r = t != Truth::False;
      else if (e.name == "IS UNKNOWN") r = t == Truth::Null;
      else r = t != Truth::Null;
      return r ? Truth::True : Truth::False;
    }
    case K::Compare:
      return detail::compare(e.name, detail::value_of(e.args[0], lookup), detail::value_of(e.args[1], lookup));
    case K::In: {
      auto left = detail::value_of(e.args[0], lookup);
      Truth t = Truth::False;
      for (size_t i = 1; i < e.args.size(); ++i) t = detail::or_of(t, detail::compare("=", left, detail::value_of(e.args[i], lookup)));
      return e.negated ? detail::not_of(t) : t;
    }
    case K::Between: {
      auto v = detail::value_of(e.args[0], lookup);
      Truth t = detail::and_of(detail::compare(">=", v, detail::value_of(e.args[1], lookup)),
                               detail::compare("<=", v, detail::value_of(e.args[2], lookup)));
      return e.negated ? detail::not_of(t) : t;
    }
    case K::Unsupported: return Truth::Unknown;
    default: return detail::truth_of(detail::value_of(e, lookup));
  }
}

}  // namespace pgsafe::synth
