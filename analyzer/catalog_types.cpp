#include "analyzer/catalog_types.h"

#include <algorithm>

#include "analyzer/catalog_expr.h"
#include "parser/tree.h"

namespace pgsafe {

ColumnType column_type_of(const pg_query::TypeName& t) {
  ColumnType ct;
  ct.name = tree::base_type_name(t);
  if (t.names_size() >= 2 && tree::string_value(t.names(0)) != "pg_catalog")
    ct.schema = tree::string_value(t.names(t.names_size() - 2));
  ct.mods = tree::type_modifiers(t);
  ct.array_dims = t.array_bounds_size();
  ct.display = tree::format_type(t);
  if (ct.name == "serial" || ct.name == "serial4") ct.name = "int4";
  else if (ct.name == "bigserial" || ct.name == "serial8") ct.name = "int8";
  else if (ct.name == "smallserial" || ct.name == "serial2") ct.name = "int2";
  return ct;
}

std::string canonical_type_text(const pg_query::TypeName& t) {
  ColumnType ct = column_type_of(t);
  std::string out = (ct.schema.empty() ? "" : ct.schema + ".") + ct.name;
  if (!ct.mods.empty()) {
    out += "(";
    for (size_t i = 0; i < ct.mods.size(); ++i) out += (i ? "," : "") + std::to_string(ct.mods[i]);
    out += ")";
  }
  for (int i = 0; i < ct.array_dims; ++i) out += "[]";
  return out;
}

namespace {

bool builtin(const std::string& n) {
  static const char* names[] = {"int2", "int4", "int8", "numeric", "float4", "float8", "money", "text", "varchar", "bpchar",
                                "char", "name", "citext", "bool", "date", "time", "timetz", "timestamp", "timestamptz",
                                "interval", "uuid", "json", "jsonb", "bytea", "inet", "cidr", "macaddr", "macaddr8", "bit",
                                "varbit", "xml", "tsvector", "tsquery", "point", "line", "lseg", "box", "path", "polygon",
                                "circle", "oid", "regclass", "int4range", "int8range", "numrange", "tsrange", "tstzrange",
                                "daterange", "serial", "bigserial", "smallserial"};
  for (const char* b : names)
    if (n == b) return true;
  return false;
}

int int_rank(const std::string& n) { return n == "int2" ? 1 : n == "int4" ? 2 : n == "int8" ? 3 : 0; }
int int_digits(const std::string& n) { return n == "int2" ? 5 : n == "int4" ? 10 : 19; }
bool is_string(const std::string& n) { return n == "text" || n == "varchar" || n == "citext"; }
bool is_time_family(const std::string& n) {
  return n == "timestamp" || n == "timestamptz" || n == "time" || n == "timetz";
}
int mod(const ColumnType& t, size_t i, int dflt) { return t.mods.size() > i ? t.mods[i] : dflt; }

TypeChange rewrite(std::string why) { return {TypeChangeKind::Rewrite, std::move(why)}; }
TypeChange unsafe(std::string why) { return {TypeChangeKind::Unsafe, std::move(why)}; }
TypeChange free_change(std::string why) { return {TypeChangeKind::NoRewrite, std::move(why)}; }

// Element types only (arrays handled by the caller); domains already resolved.
TypeChange classify_scalar(const Catalog& cat, const ColumnType& f, const ColumnType& t) {
  const std::string& a = f.name;
  const std::string& b = t.name;
  const UserType* fu = builtin(a) && f.schema.empty() ? nullptr : cat.user_type(f);
  const UserType* tu = builtin(b) && t.schema.empty() ? nullptr : cat.user_type(t);
  if ((!builtin(a) || !f.schema.empty()) && !fu) return {TypeChangeKind::Unknown, "the type " + f.display + " is not defined in the migration set"};
  if ((!builtin(b) || !t.schema.empty()) && !tu) return {TypeChangeKind::Unknown, "the type " + t.display + " is not defined in the migration set"};
  if (a == b && f.schema == t.schema && f.mods == t.mods) return free_change("the type does not change");

  // Strings.
  if ((a == "varchar" || a == "text") && (b == "varchar" || b == "text")) {
    int from_len = a == "varchar" ? mod(f, 0, -1) : -1;
    int to_len = b == "varchar" ? mod(t, 0, -1) : -1;
    if (to_len < 0) return free_change("a " + t.display + " holds every " + f.display + " value (binary coercible)");
    if (from_len >= 0 && to_len >= from_len) return free_change("the length limit only grows");
    return unsafe("values longer than " + std::to_string(to_len) + " characters make it fail");
  }
  if (a == "bpchar" && b == "bpchar") {
    if (mod(t, 0, 1) < mod(f, 0, 1)) return unsafe("values longer than " + std::to_string(mod(t, 0, 1)) + " characters make it fail");
    return rewrite("every value is padded to the new length");
  }
  if (a == "bpchar" && is_string(b)) {
    if (b == "varchar" && mod(t, 0, -1) >= 0 && mod(t, 0, -1) < mod(f, 0, 1))
      return unsafe("values longer than " + std::to_string(mod(t, 0, -1)) + " characters make it fail");
    return rewrite("every value is converted (trailing blanks of char(n) are dropped)");
  }
  if (b == "bpchar") return unsafe("values longer than " + std::to_string(mod(t, 0, 1)) + " characters make it fail");
  if (b == "text" || b == "citext" || (b == "varchar" && t.mods.empty())) {
    if (fu && fu->kind == UserTypeKind::Enum) return rewrite("every value is converted to text");
    return rewrite("every value is converted to its text form");
  }
  if (b == "varchar") return unsafe("a value whose text form is longer than " + std::to_string(mod(t, 0, -1)) + " characters makes it fail");
  if (is_string(a)) return unsafe("values that are not valid " + t.display + " make it fail");

  // Numbers.
  if (int_rank(a) && int_rank(b)) {
    if (int_rank(b) > int_rank(a)) return rewrite("every row is rewritten to the wider integer");
    return unsafe("values outside the range of " + t.display + " make it fail");
  }
  if (int_rank(a) && b == "numeric") {
    if (t.mods.empty() || mod(t, 0, 0) - mod(t, 1, 0) >= int_digits(a)) return rewrite("every value is converted to numeric");
    return unsafe("values with more than " + std::to_string(mod(t, 0, 0) - mod(t, 1, 0)) + " integer digits make it fail");
  }
  if (int_rank(a) && (b == "float8" || b == "float4")) {
    if ((b == "float8" && int_rank(a) <= 2) || (b == "float4" && int_rank(a) == 1)) return rewrite("every value is converted to floating point");
    return unsafe("large values lose precision in " + t.display);
  }
  if (a == "float4" && b == "float8") return rewrite("every value is converted to double precision");
  if (a == "numeric" && b == "numeric") {
    if (t.mods.empty()) return free_change("numeric without a limit holds every value (no rewrite)");
    if (f.mods.empty()) return unsafe("values beyond numeric" + t.display.substr(t.display.find('(')) + " fail or are rounded");
    int p = mod(f, 0, 0), s = mod(f, 1, 0), q = mod(t, 0, 0), s2 = mod(t, 1, 0);
    if (s2 < s) return unsafe("the scale drops from " + std::to_string(s) + " to " + std::to_string(s2) + ": values are rounded");
    if (q - s2 < p - s) return unsafe("fewer integer digits (" + std::to_string(q - s2) + " instead of " + std::to_string(p - s) + "): large values fail");
    if (s2 == s) return free_change("the precision only grows (no rewrite)");
    return rewrite("the scale grows: every value is rewritten");
  }
  if ((a == "numeric" || a == "float4" || a == "float8") && (int_rank(b) || b == "numeric" || b == "float4" || b == "float8"))
    return unsafe("fractional digits are rounded away and out-of-range values fail");

  // Date and time.
  if (a == b && (is_time_family(a) || a == "interval")) {
    if (t.mods.empty()) return free_change("the precision limit is removed (no rewrite)");
    if (!f.mods.empty() && mod(t, 0, 6) >= mod(f, 0, 6)) return free_change("the precision only grows (no rewrite)");
    return unsafe("fractional seconds are rounded to " + std::to_string(mod(t, 0, 6)) + " digits");
  }
  if ((a == "timestamp" && b == "timestamptz") || (a == "timestamptz" && b == "timestamp"))
    return rewrite("every value is reinterpreted in the session time zone (no rewrite only when it is UTC)");
  if (a == "date" && (b == "timestamp" || b == "timestamptz")) return rewrite("every value is converted to a timestamp");
  if ((a == "timestamp" || a == "timestamptz") && (b == "date" || b == "time" || b == "timetz"))
    return unsafe("the " + std::string(b == "date" ? "time of day" : "date") + " part of every value is dropped");
  if (a == "time" && b == "timetz") return rewrite("every value gets the session time zone");
  if (a == "timetz" && b == "time") return unsafe("the time zone of every value is dropped");

  // Network, bits, JSON.
  if (a == "cidr" && b == "inet") return free_change("every cidr is an inet (binary coercible)");
  if (a == "inet" && b == "cidr") return unsafe("inet values with host bits set make it fail");
  if ((a == "bit" || a == "varbit") && b == "varbit") {
    int from_len = a == "bit" ? mod(f, 0, 1) : mod(f, 0, -1);
    int to_len = mod(t, 0, -1);
    if (to_len < 0 || (from_len >= 0 && to_len >= from_len)) return free_change("the length limit only grows (binary coercible)");
    return unsafe("bit strings longer than " + std::to_string(to_len) + " make it fail");
  }
  if (a == "json" && b == "jsonb") return rewrite("every value is parsed into jsonb");
  if (a == "jsonb" && b == "json") return rewrite("every value is converted to json text");

  if (fu && tu && fu->kind == UserTypeKind::Enum && tu->kind == UserTypeKind::Enum) {
    // An enum swap: a new type that keeps every label of the old one cannot fail.
    std::string missing;
    for (const auto& label : fu->labels)
      if (std::find(tu->labels.begin(), tu->labels.end(), label) == tu->labels.end())
        missing += (missing.empty() ? "'" : ", '") + label + "'";
    if (missing.empty())
      return rewrite(t.display + " has every label of " + f.display + ": each value converts, and the table is rewritten");
    return unsafe("rows holding labels missing from " + t.display + " (" + missing + ") make it fail");
  }
  return unsafe("converting " + f.display + " to " + t.display + " can fail or change values");
}

}  // namespace

TypeChange classify_type_change(const Catalog& cat, const ColumnType& from, const ColumnType& to,
                                const pg_query::Node* using_expr, const std::string& column) {
  ColumnType f = cat.resolve_domain(from);
  ColumnType t = cat.resolve_domain(to);
  TypeChange out;
  if (f.array_dims != t.array_dims) {
    out = unsafe("the number of array dimensions changes");
  } else {
    out = classify_scalar(cat, f, t);
    // Arrays are converted element by element: a rewrite even when the elements coerce freely.
    if (f.array_dims > 0 && out.kind == TypeChangeKind::NoRewrite && !(from == to))
      out = rewrite("array values are converted element by element");
  }
  if (out.kind == TypeChangeKind::Unknown) return out;
  // A domain with constraints checks every row.
  if (const UserType* d = cat.user_type(to); d && d->kind == UserTypeKind::Domain && (d->not_null || !d->checks.empty()) &&
                                             !(from == to) && out.kind != TypeChangeKind::Unsafe)
    out = unsafe("the constraints of domain " + to.display + " are checked on every row and can fail");
  if (using_expr && !expr_is_column(*using_expr, column)) {
    if (expr_may_lose_information(*using_expr))
      out = unsafe("the USING expression " + expr_sql(*using_expr) + " can drop information");
    else if (out.kind == TypeChangeKind::NoRewrite)
      out = rewrite("the USING expression is computed for every row");
  }
  return out;
}

}  // namespace pgsafe
