#pragma once
// Function and expression volatility, from PostgreSQL's own pg_proc.provolatile (see
// scripts/gen_volatility.sh and analyzer/data/function_volatility.inc). Used to decide whether
// a column DEFAULT is evaluated once (no table rewrite on PostgreSQL >= 11) or per row.
#include <string_view>

namespace pg_query { class Node; }

namespace pgsafe {

// Ordered from safest to least safe, so the volatility of an expression is the max of its parts.
enum class Volatility { Immutable = 0, Stable = 1, Volatile = 2 };

// A built-in (pg_catalog) function name: immutable or stable only when every overload is.
// Unknown names (user functions, extensions, typos) are volatile: pgsafe cannot prove otherwise.
Volatility function_volatility(std::string_view name);

// The volatility of an expression as written in a DEFAULT: constants and casts of constants are
// immutable, CURRENT_TIMESTAMP and friends stable, function calls as their pg_catalog entry
// (a schema other than pg_catalog is unknown, hence volatile), column references and anything
// pgsafe does not model are volatile.
Volatility expression_volatility(const pg_query::Node& expr);

}  // namespace pgsafe
