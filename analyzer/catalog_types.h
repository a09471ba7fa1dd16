#pragma once
// Column types as the catalog records them, and what changing one into another costs in
// PostgreSQL 15: nothing (binary coercible, catalog-only), a table rewrite, or a conversion
// that can fail or lose data. Shared by changing-column-type and `pgsafe plan`.
#include <string>

#include "analyzer/catalog.h"

namespace pg_query { class TypeName; class Node; }

namespace pgsafe {

// The catalog's record of a written type (serial types become their integer).
ColumnType column_type_of(const pg_query::TypeName& t);
// A stable text for a type in signatures: "int4", "varchar(50)", "public.mood[]".
std::string canonical_type_text(const pg_query::TypeName& t);

enum class TypeChangeKind {
  Unknown,     // the old (or new) type is not known to pgsafe
  NoRewrite,   // binary coercible or a relaxed limit: only the catalog changes
  Rewrite,     // every row is rewritten (and indexes rebuilt), values survive
  Unsafe,      // the conversion can fail on existing rows or lose information
};

struct TypeChange {
  TypeChangeKind kind = TypeChangeKind::Unknown;
  std::string reason;   // why, for messages: "values longer than 50 characters fail"
};

// Classify ALTER COLUMN ... TYPE from -> to. using_expr is the USING expression (or null);
// column is the column's name (a USING that only casts the column is an ordinary conversion).
TypeChange classify_type_change(const Catalog& catalog, const ColumnType& from, const ColumnType& to,
                                const pg_query::Node* using_expr, const std::string& column);

}  // namespace pgsafe
