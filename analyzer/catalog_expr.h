#pragma once
// Expressions of the parse tree as SQL text, for what the catalog keeps (defaults, CHECKs,
// policy USING/WITH CHECK, index predicates) and for comparing two definitions. Covers the
// expression forms migrations use; anything else renders as "...", which never compares equal
// to a real expression by accident because the rendering of the whole is still compared.
#include <string>

namespace pg_query { class Node; class List; }

namespace pgsafe {

std::string expr_sql(const pg_query::Node& node);

// `true`, `(true)`, `'t'::boolean`, `1 = 1`: an expression that is literally always true.
bool expr_is_literally_true(const pg_query::Node& node);

// A function call on an expression that may drop information (left(), round(), date_trunc(), a
// cast to a narrower type...), for type changes with USING.
bool expr_may_lose_information(const pg_query::Node& node);

// Whether the expression is exactly a reference to `column`, optionally cast.
bool expr_is_column(const pg_query::Node& node, const std::string& column);

}  // namespace pgsafe
