#pragma once
// Expressions and types compared the way drift needs: the migrations' text (as the catalog
// rendered it) against what PostgreSQL prints back (pg_get_expr, pg_get_constraintdef,
// pg_get_indexdef, format_type), which adds casts, parentheses and qualifiers and rewrites IN,
// LIKE and BETWEEN. Both sides are parsed with libpg_query and reduced to a canonical tree.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "analyzer/catalog.h"

namespace pgsafe::applier {

// A canonical form of one SQL expression, equal for two texts PostgreSQL treats alike; nullopt
// when the text does not parse as an expression (or is the catalog's "..." for what it could not
// render): such a comparison is skipped, never reported.
std::optional<std::string> canonical_expr(std::string_view sql);

// Where the catalog could not render an expression whole (a sub-query shows as "(SELECT ...)"),
// the expression is found in the statement that defined it: the subtree of that statement whose
// rendering is exactly the catalog's text, canonicalised like canonical_expr. Files are parsed
// once, on first need.
class SourceExpressions {
 public:
  SourceExpressions();
  ~SourceExpressions();
  // file_text: the defining file; offset: a byte inside the defining statement.
  std::optional<std::string> find(int file, std::string_view file_text, uint32_t offset, const std::string& rendered);

 private:
  struct Parsed;
  std::map<int, std::unique_ptr<Parsed>> files_;
};

// The catalog's record of a type PostgreSQL printed (format_type), or nullopt when it does not
// parse. Serial types are not involved: the server prints their integer type.
std::optional<ColumnType> parse_type(std::string_view sql);

// "int4", "varchar", "public.mood[]" -> a key equal for the same type however written
// (aliases resolved, typmods dropped, public. dropped): for function signatures.
std::string type_key(const ColumnType& t);

// Two column types the same? Schemas compare only when both name one (other than public).
bool same_type(const ColumnType& a, const ColumnType& b);

}  // namespace pgsafe::applier
