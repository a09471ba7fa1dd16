// The catalog's model and lookups; catalog_replay.cpp applies statements to it.
#include "analyzer/catalog.h"

#include "analyzer/work_counters.h"

namespace pgsafe {

namespace {

// A name without its trailing digits: "public.t_a_idx12" -> "public.t_a_idx". Names PostgreSQL
// chooses end in a label (idx, key, pkey, excl) and a number, so a name's family is the
// base_label it was chosen from.
std::string name_family(const std::string& name) {
  size_t end = name.size();
  while (end > 0 && name[end - 1] >= '0' && name[end - 1] <= '9') --end;
  return name.substr(0, end);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// IndexSet

const Index* IndexSet::find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &it->second;
}

void IndexSet::put(Index ix) {
  auto it = by_name_.find(ix.name);
  if (it != by_name_.end()) {
    unlink(it->second);
    it->second = std::move(ix);
    link(it->second);
    return;
  }
  std::string name = ix.name;
  link(by_name_.emplace(std::move(name), std::move(ix)).first->second);
}

bool IndexSet::erase(const std::string& name) {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return false;
  unlink(it->second);
  by_name_.erase(it);
  note_removed(name);
  return true;
}

std::vector<std::string> IndexSet::names_on(const std::string& table) const {
  auto it = by_table_.find(table);
  if (it == by_table_.end()) return {};
  return std::vector<std::string>(it->second.begin(), it->second.end());
}

const std::set<std::string>* IndexSet::names_shaped(const std::string& shape) const {
  auto it = by_shape_.find(shape);
  return it == by_shape_.end() ? nullptr : &it->second;
}

std::string IndexSet::shape_key(const std::string& table, const std::string& method, const std::string& predicate,
                                const std::vector<std::string>& keys) {
  // Each part with its length, so no text inside a key can fake a boundary.
  std::string out;
  auto part = [&](const std::string& s) {
    out += std::to_string(s.size());
    out += ':';
    out += s;
  };
  part(table);
  part(method);
  part(predicate);
  for (const auto& k : keys) part(k);
  return out;
}

uint64_t IndexSet::removals(const std::string& family) const {
  auto it = removed_.find(family);
  return it == removed_.end() ? 0 : it->second;
}

void IndexSet::link(const Index& ix) {
  by_table_[ix.table].insert(ix.name);
  by_shape_[shape_key(ix.table, ix.method, ix.predicate, ix.keys)].insert(ix.name);
}

void IndexSet::unlink(const Index& ix) {
  if (auto t = by_table_.find(ix.table); t != by_table_.end()) {
    t->second.erase(ix.name);
    if (t->second.empty()) by_table_.erase(t);
  }
  if (auto s = by_shape_.find(shape_key(ix.table, ix.method, ix.predicate, ix.keys)); s != by_shape_.end()) {
    s->second.erase(ix.name);
    if (s->second.empty()) by_shape_.erase(s);
  }
}

void IndexSet::note_removed(const std::string& name) { ++removed_[name_family(name)]; }

// ---------------------------------------------------------------------------------------------
// Catalog

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
const Index* Catalog::find_index(const std::string& qualified) const { return indexes_.find(qualified); }
std::vector<const Index*> Catalog::indexes_on(const std::string& qualified_table) const {
  std::vector<const Index*> out;
  for (const auto& name : indexes_.names_on(qualified_table)) out.push_back(indexes_.find(name));
  return out;
}
const Index* Catalog::find_index_shaped_like(const std::string& qualified_table, const std::vector<std::string>& keys,
                                             const std::string& predicate, const std::string& method,
                                             const std::function<bool(const Index&)>& accept) const {
  const auto* names = indexes_.names_shaped(IndexSet::shape_key(qualified_table, method, predicate, keys));
  if (!names) return nullptr;
  for (const auto& name : *names) {
    count_work(work_counters().index_shape_candidates);
    const Index* ix = indexes_.find(name);
    if (ix && accept(*ix)) return ix;
  }
  return nullptr;
}

std::string Catalog::choose_name(const std::string& schema, const std::string& base, const std::string& label) const {
  const std::string stem = base + "_" + label;
  const std::string family = schema + "." + stem;
  auto taken = [&](uint64_t k) {
    count_work(work_counters().index_name_probes);
    std::string key = k == 0 ? family : family + std::to_string(k);
    return indexes_.contains(key) || tables_.count(key) > 0;
  };
  NameHint& hint = name_hints_[family];
  const uint64_t index_removals = indexes_.removals(family);
  auto t = tables_removed_.find(family);
  const uint64_t table_removals = t == tables_removed_.end() ? 0 : t->second;
  // Names only accumulate between removals: every suffix below the remembered one is still taken.
  if (hint.index_removals != index_removals || hint.table_removals != table_removals) hint = NameHint{};
  uint64_t k = hint.next;
  while (taken(k)) ++k;
  hint = NameHint{k, index_removals, table_removals};
  return k == 0 ? stem : stem + std::to_string(k);
}

void Catalog::note_table_removed(const std::string& key) { ++tables_removed_[name_family(key)]; }
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

namespace {
// Every SQL keyword PostgreSQL does not accept as a bare column name: the
// reserved, col_name and type_func_name categories of its keyword list
// (PostgreSQL 18, Appendix C); unreserved keywords may stay bare.
const char* const kNonUnreservedKeywords[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between",
    "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character", "check", "coalesce", "collate",
    "collation", "column", "concurrently", "constraint", "create", "cross", "current_catalog", "current_date",
    "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal",
    "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists", "extract", "false", "fetch",
    "float", "for", "foreign", "freeze", "from", "full", "grant", "greatest", "group", "grouping", "having", "ilike",
    "in", "initially", "inner", "inout", "int", "integer", "intersect", "interval", "into", "is", "isnull", "join",
    "json", "json_array", "json_arrayagg", "json_exists", "json_object", "json_objectagg", "json_query",
    "json_scalar", "json_serialize", "json_table", "json_value", "lateral", "leading", "least", "left", "like",
    "limit", "localtime", "localtimestamp", "merge_action", "national", "natural", "nchar", "none", "normalize",
    "not", "notnull", "null", "nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps",
    "overlay", "placing", "position", "precision", "primary", "real", "references", "returning", "right", "row",
    "select", "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric", "system_user",
    "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim", "true", "union", "unique",
    "user", "using", "values", "varchar", "variadic", "verbose", "when", "where", "window", "with", "xmlattributes",
    "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot",
    "xmlserialize", "xmltable",
};

bool needs_quoting_keyword(std::string_view id) {
  for (const char* k : kNonUnreservedKeywords)
    if (id == k) return true;
  return false;
}
}  // namespace

std::string quote_ident(std::string_view id) {
  bool bare = !id.empty() && !(id[0] >= '0' && id[0] <= '9') && id[0] != '$';
  for (char c : id) {
    unsigned char u = static_cast<unsigned char>(c);
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$' || u >= 0x80)) bare = false;
  }
  if (bare && needs_quoting_keyword(id)) bare = false;
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
