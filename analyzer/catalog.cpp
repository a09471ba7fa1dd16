// The catalog's model and lookups; catalog_replay.cpp applies statements to it.
#include "analyzer/catalog.h"

namespace pgsafe {

std::string_view to_string(ConstraintKind k) {
  switch (k) {
    case ConstraintKind::PrimaryKey: return "primary key";
    case ConstraintKind::ForeignKey: return "foreign key";
    case ConstraintKind::Unique: return "unique";
    case ConstraintKind::Check: return "check";
    case ConstraintKind::Exclusion: return "exclusion";
    case ConstraintKind::NotNull: return "not null";
  }
  return "constraint";
}

std::string Index::short_name() const {
  auto dot = name.find('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

std::string Function::signature() const {
  std::string out = qualified() + "(";
  for (size_t i = 0; i < arg_types.size(); ++i) out += (i ? ", " : "") + arg_types[i];
  return out + ")";
}

const Column* Table::find_column(const std::string& col) const {
  for (const auto& c : columns)
    if (c.name == col) return &c;
  return nullptr;
}
Column* Table::find_column(const std::string& col) {
  for (auto& c : columns)
    if (c.name == col) return &c;
  return nullptr;
}
const Policy* Table::find_policy(const std::string& policy) const {
  for (const auto& p : policies)
    if (p.name == policy) return &p;
  return nullptr;
}
const Constraint* Table::find_constraint(const std::string& constraint) const {
  for (const auto& k : constraints)
    if (k.name == constraint) return &k;
  return nullptr;
}
const Constraint* Table::primary_key() const {
  for (const auto& k : constraints)
    if (k.kind == ConstraintKind::PrimaryKey) return &k;
  return nullptr;
}

std::string Catalog::qualify(const std::string& schema, const std::string& name) {
  return (schema.empty() ? std::string("public") : schema) + "." + name;
}

const Table* Catalog::find_table(const std::string& schema, const std::string& name) const {
  return find_table(qualify(schema, name));
}
const Table* Catalog::find_table(const std::string& qualified) const {
  auto it = tables_.find(qualified);
  return it == tables_.end() ? nullptr : &it->second;
}
Table* Catalog::mutable_table(const std::string& qualified) {
  auto it = tables_.find(qualified);
  return it == tables_.end() ? nullptr : &it->second;
}
const Index* Catalog::find_index(const std::string& qualified) const {
  auto it = indexes_.find(qualified);
  return it == indexes_.end() ? nullptr : &it->second;
}
std::vector<const Index*> Catalog::indexes_on(const std::string& qualified_table) const {
  std::vector<const Index*> out;
  for (const auto& [k, ix] : indexes_)
    if (ix.table == qualified_table) out.push_back(&ix);
  return out;
}
const View* Catalog::find_view(const std::string& qualified) const {
  auto it = views_.find(qualified);
  return it == views_.end() ? nullptr : &it->second;
}
const Function* Catalog::find_function(const std::string& signature) const {
  auto it = functions_.find(signature);
  return it == functions_.end() ? nullptr : &it->second;
}
std::vector<const Function*> Catalog::functions_named(const std::string& qualified) const {
  std::vector<const Function*> out;
  for (auto it = functions_.lower_bound(qualified + "("); it != functions_.end() && it->first.rfind(qualified + "(", 0) == 0; ++it)
    out.push_back(&it->second);
  return out;
}
const UserType* Catalog::find_type(const std::string& qualified) const {
  auto it = types_.find(qualified);
  return it == types_.end() ? nullptr : &it->second;
}
const UserType* Catalog::user_type(const ColumnType& t) const {
  if (!t.schema.empty()) return find_type(t.schema + "." + t.name);
  return find_type("public." + t.name);
}
ColumnType Catalog::resolve_domain(const ColumnType& t) const {
  ColumnType cur = t;
  for (int depth = 0; depth < 16; ++depth) {
    const UserType* u = user_type(cur);
    if (!u || u->kind != UserTypeKind::Domain) break;
    int dims = cur.array_dims;
    cur = u->base;
    cur.array_dims += dims;
  }
  return cur;
}

std::string quote_literal(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string quote_ident(std::string_view id) {
  static const char* reserved[] = {"all", "and", "any", "array", "as", "asc", "both", "case", "cast", "check", "collate",
                                   "column", "constraint", "create", "default", "desc", "distinct", "do", "else", "end",
                                   "except", "false", "for", "foreign", "from", "grant", "group", "having", "in",
                                   "into", "leading", "limit", "not", "null", "offset", "on", "only", "or", "order",
                                   "primary", "references", "select", "table", "then", "to", "true", "union", "unique",
                                   "user", "using", "when", "where", "with", "window"};
  bool bare = !id.empty() && !(id[0] >= '0' && id[0] <= '9') && id[0] != '$';
  for (char c : id) {
    unsigned char u = static_cast<unsigned char>(c);
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$' || u >= 0x80)) bare = false;
  }
  for (const char* r : reserved)
    if (id == r) bare = false;
  if (bare) return std::string(id);
  std::string out = "\"";
  for (char c : id) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string quote_qualified(std::string_view qualified) {
  auto dot = qualified.find('.');
  if (dot == std::string_view::npos) return quote_ident(qualified);
  return quote_ident(qualified.substr(0, dot)) + "." + quote_ident(qualified.substr(dot + 1));
}

}  // namespace pgsafe
