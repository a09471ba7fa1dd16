#pragma once
// Names in messages, written the way SQL needs them: `billing.invoices`, `"UserAccounts"`.
// The parse tree holds identifiers already case-folded and unquoted; a name that would not
// survive folding (capitals, blanks, quotes) is quoted again so the message can be pasted back.
#include <string>
#include <string_view>

#include "parser/tree.h"

namespace pgsafe::rules {

inline std::string sql_ident(std::string_view id) {
  bool bare = !id.empty() && !(id[0] >= '0' && id[0] <= '9') && id[0] != '$';
  for (char c : id) {
    unsigned char u = static_cast<unsigned char>(c);
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$' || u >= 0x80;
    if (!ok) bare = false;
  }
  if (bare) return std::string(id);
  std::string out = "\"";
  for (char c : id) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// "schema.table" (or "table") as written, quoted where needed.
inline std::string sql_name(const pg_query::RangeVar& rv) {
  std::string out;
  if (!rv.catalogname().empty()) out += sql_ident(rv.catalogname()) + ".";
  if (!rv.schemaname().empty()) out += sql_ident(rv.schemaname()) + ".";
  return out + sql_ident(rv.relname());
}

// A dotted name list (DROP objects, type names) as written, quoted where needed.
inline std::string sql_name(const tree::NodeList& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ".";
    out += sql_ident(tree::string_value(n));
  }
  return out;
}

}  // namespace pgsafe::rules
