// Applying one statement to the catalog: every DDL form the catalog models. Anything a
// statement does to an object the set never defined either lands on a stub (tables: only
// what the set did is known) or is dropped (nothing to update), never guessed.
#include <algorithm>
#include <cctype>

#include "analyzer/catalog.h"
#include "analyzer/catalog_expr.h"
#include "analyzer/catalog_types.h"
#include "parser/tree.h"

namespace pgsafe {

namespace {

std::string schema_of(const pg_query::RangeVar& rv) { return rv.schemaname().empty() ? "public" : rv.schemaname(); }
std::string table_key(const pg_query::RangeVar& rv) { return Catalog::qualify(rv.schemaname(), rv.relname()); }

std::vector<std::string> names_of(const tree::NodeList& list) {
  std::vector<std::string> out;
  for (const auto& n : list) out.push_back(tree::string_value(n));
  return out;
}

// [schema,] name -> "schema.name" (a leading database name is ignored).
std::string key_of(const std::vector<std::string>& parts) {
  if (parts.empty()) return {};
  if (parts.size() == 1) return "public." + parts[0];
  return parts[parts.size() - 2] + "." + parts.back();
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// The identifiers of SQL text, string literals skipped: visit(begin, end, name, quoted, call) for
// each, with unquoted names folded to lower case and `call` when a '(' follows (a function, not a
// column). visit returns false to stop.
template <class Visit>
void scan_identifiers(std::string_view sql, Visit&& visit) {
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    size_t start = i;
    if (c == '\'') {
      for (++i; i < sql.size(); ++i)
        if (sql[i] == '\'') {
          if (i + 1 < sql.size() && sql[i + 1] == '\'') ++i;
          else break;
        }
      ++i;
    } else if (c == '"') {
      std::string id;
      for (++i; i < sql.size(); ++i) {
        if (sql[i] == '"') {
          if (i + 1 < sql.size() && sql[i + 1] == '"') ++i;
          else break;
        }
        id += sql[i];
      }
      ++i;
      if (!visit(start, std::min(i, sql.size()), id, true, false)) return;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80) {
      std::string id;
      while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_' || sql[i] == '$' ||
                                static_cast<unsigned char>(sql[i]) >= 0x80))
        id += static_cast<char>(std::tolower(static_cast<unsigned char>(sql[i++])));
      size_t next = i;
      while (next < sql.size() && sql[next] == ' ') ++next;
      if (!visit(start, i, id, false, next < sql.size() && sql[next] == '(')) return;
    } else {
      ++i;
    }
  }
}

// SQL text with every reference to identifier `from` (unquoted, case-folded, or quoted) named
// `to` instead; string literals are left alone. PostgreSQL keeps expressions by column number, so a
// renamed column is renamed in index expressions, predicates, CHECKs and policies too.
std::string rename_identifier(std::string_view sql, const std::string& from, const std::string& to) {
  std::string out;
  size_t copied = 0;
  scan_identifiers(sql, [&](size_t begin, size_t end, const std::string& id, bool quoted, bool call) {
    // A function of that name is not the column: f(
    if (id == from && (quoted || !call)) {
      out.append(sql.substr(copied, begin - copied));
      out += quote_ident(to);
      copied = end;
    }
    return true;
  });
  out.append(sql.substr(copied));
  return out;
}

// Whether SQL text names an identifier (unquoted ones fold to lower case; string literals are
// skipped): which index expressions a dropped column takes with it.
bool mentions_identifier(std::string_view sql, const std::string& name) {
  bool found = false;
  scan_identifiers(sql, [&](size_t, size_t, const std::string& id, bool, bool) {
    found = id == name;
    return !found;
  });
  return found;
}

std::string role_name(const pg_query::Node& n) {
  if (!n.has_role_spec()) return tree::string_value(n);
  const auto& r = n.role_spec();
  switch (r.roletype()) {
    case pg_query::ROLESPEC_CSTRING: return r.rolename();
    case pg_query::ROLESPEC_PUBLIC: return "public";
    case pg_query::ROLESPEC_CURRENT_USER: return "current_user";
    case pg_query::ROLESPEC_SESSION_USER: return "session_user";
    case pg_query::ROLESPEC_CURRENT_ROLE: return "current_role";
    default: return r.rolename();
  }
}

const std::vector<std::string>& all_table_privileges() {
  static const std::vector<std::string> p{"select", "insert", "update", "delete", "truncate", "references", "trigger"};
  return p;
}

// The privileges a GRANT/REVOKE names ("all" expanded), column grants as "select(col)".
std::vector<std::string> privileges_of(const pg_query::GrantStmt& g) {
  if (g.privileges().empty()) return all_table_privileges();
  std::vector<std::string> out;
  for (const auto& p : g.privileges()) {
    if (!p.has_access_priv()) continue;
    std::string name = p.access_priv().priv_name();
    if (!p.access_priv().cols().empty()) name += "(" + tree::join_names(p.access_priv().cols(), ", ") + ")";
    out.push_back(name);
  }
  return out;
}

void apply_grant(Grants& grants, const pg_query::GrantStmt& g) {
  std::vector<std::string> privs = privileges_of(g);
  for (const auto& r : g.grantees()) {
    std::string role = role_name(r);
    if (g.is_grant()) {
      for (const auto& p : privs) grants[role].insert(p);
    } else {
      auto it = grants.find(role);
      if (it == grants.end()) continue;
      for (const auto& p : privs) it->second.erase(p);
      if (g.privileges().empty()) it->second.clear();
      if (it->second.empty()) grants.erase(it);
    }
  }
}

// How PostgreSQL names an index or constraint it names for you: <table>_<cols>_<label>.
std::string index_column_label(const pg_query::IndexElem& e) {
  if (!e.name().empty()) return e.name();
  if (!e.indexcolname().empty()) return e.indexcolname();
  if (e.has_expr() && e.expr().has_func_call()) return tree::last_name(e.expr().func_call().funcname());
  return "expr";
}

bool truthy(const std::string& v) { return v.empty() || v == "true" || v == "on" || v == "1" || v == "yes" || v == "t"; }

}  // namespace

class CatalogReplayer {
 public:
  CatalogReplayer(Catalog& c, const SourceRef& where, std::string_view text) : c_(c), where_(where), text_(text) {}

  void apply(const pg_query::Node& stmt) {
    using N = pg_query::Node;
    switch (stmt.node_case()) {
      case N::kCreateStmt: create_table(stmt.create_stmt()); break;
      case N::kCreateTableAsStmt: create_table_as(stmt.create_table_as_stmt()); break;
      case N::kAlterTableStmt: alter_table(stmt.alter_table_stmt()); break;
      case N::kIndexStmt: create_index(stmt.index_stmt()); break;
      case N::kRenameStmt: rename(stmt.rename_stmt()); break;
      case N::kDropStmt: drop(stmt.drop_stmt()); break;
      case N::kAlterObjectSchemaStmt: set_schema(stmt.alter_object_schema_stmt()); break;
      case N::kCreateSchemaStmt: create_schema(stmt.create_schema_stmt()); break;
      case N::kCreateExtensionStmt: create_extension(stmt.create_extension_stmt()); break;
      case N::kViewStmt: create_view(stmt.view_stmt()); break;
      case N::kCreateFunctionStmt: create_function(stmt.create_function_stmt()); break;
      case N::kAlterFunctionStmt: alter_function(stmt.alter_function_stmt()); break;
      case N::kCreatePolicyStmt: create_policy(stmt.create_policy_stmt()); break;
      case N::kAlterPolicyStmt: alter_policy(stmt.alter_policy_stmt()); break;
      case N::kGrantStmt: grant(stmt.grant_stmt()); break;
      case N::kAlterDefaultPrivilegesStmt: default_privileges(stmt.alter_default_privileges_stmt()); break;
      case N::kCreateEnumStmt: create_enum(stmt.create_enum_stmt()); break;
      case N::kAlterEnumStmt: alter_enum(stmt.alter_enum_stmt()); break;
      case N::kCreateDomainStmt: create_domain(stmt.create_domain_stmt()); break;
      case N::kAlterDomainStmt: alter_domain(stmt.alter_domain_stmt()); break;
      case N::kCompositeTypeStmt: create_composite(stmt.composite_type_stmt()); break;
      case N::kDefineStmt:
        if (stmt.define_stmt().kind() == pg_query::OBJECT_TYPE) add_type(names_of(stmt.define_stmt().defnames()), UserTypeKind::Other);
        break;
      case N::kCreateRangeStmt: add_type(names_of(stmt.create_range_stmt().type_name()), UserTypeKind::Other); break;
      default: break;
    }
  }

 private:
  // ------------------------------------------------------------------ locations
  SourceRef first_line() const { return narrowed(where_.begin); }
  SourceRef at(int location) const {
    if (location < 0) return first_line();
    return narrowed(where_.base + static_cast<uint32_t>(location));
  }
  SourceRef narrowed(uint32_t begin) const {
    SourceRef r = where_;
    if (begin < where_.begin || begin >= std::max(where_.end, where_.begin + 1)) begin = where_.begin;
    r.begin = begin;
    if (!text_.empty() && begin < text_.size()) {
      size_t nl = text_.find('\n', begin);
      uint32_t eol = nl == std::string_view::npos ? where_.end : static_cast<uint32_t>(nl);
      r.end = std::min(where_.end, eol);
      if (r.end <= r.begin) r.end = where_.end;
    }
    return r;
  }

  // ------------------------------------------------------------------ tables
  Table& ensure_table(const pg_query::RangeVar& rv) {
    std::string key = table_key(rv);
    auto it = c_.tables_.find(key);
    if (it != c_.tables_.end()) return it->second;
    Table t;
    t.schema = schema_of(rv);
    t.name = rv.relname();
    t.known = false;
    t.columns_known = false;
    t.rls_known = false;
    return c_.tables_.emplace(key, std::move(t)).first->second;
  }

  std::string unique_index_name(const std::string& schema, const std::string& base, const std::string& label) {
    return c_.choose_name(schema, base, label);
  }
  static std::string unique_constraint_name(const Table& t, const std::string& base, const std::string& label) {
    std::string name = base + "_" + label;
    for (int i = 1; t.find_constraint(name); ++i) name = base + "_" + label + std::to_string(i);
    return name;
  }

  static std::vector<std::string> referenced_columns(const pg_query::Node& expr) {
    std::vector<std::string> cols;
    tree::for_each_message(expr, [&](const google::protobuf::Message& m) {
      if (const auto* cr = dynamic_cast<const pg_query::ColumnRef*>(&m)) {
        if (cr->fields_size() > 0) {
          std::string c = tree::string_value(cr->fields(cr->fields_size() - 1));
          if (!c.empty() && !has(cols, c)) cols.push_back(c);
        }
      }
      return true;
    });
    return cols;
  }

  void add_constraint(Table& t, const pg_query::Constraint& con, const std::string& column) {
    Constraint k;
    k.name = con.conname();
    k.source = at(con.location());
    k.deferrable = con.deferrable();
    std::vector<std::string> cols = column.empty() ? names_of(con.keys()) : std::vector<std::string>{column};
    Column* col = column.empty() ? nullptr : t.find_column(column);
    switch (con.contype()) {
      case pg_query::CONSTR_NULL:
        if (col) col->not_null = false;
        return;
      case pg_query::CONSTR_NOTNULL:
        // A named table constraint (PostgreSQL 18: ADD CONSTRAINT c NOT NULL col) names its column.
        if (!col && cols.size() == 1) col = t.find_column(cols[0]);
        if (col) col->not_null = true;
        return;
      case pg_query::CONSTR_DEFAULT:
        if (col) {
          col->has_default = true;
          col->default_expr = con.has_raw_expr() ? expr_sql(con.raw_expr()) : "";
        }
        return;
      case pg_query::CONSTR_IDENTITY:
        if (col) {
          col->identity = true;
          col->not_null = true;
          col->identity_kind = con.generated_when() == "a" ? "ALWAYS" : "BY DEFAULT";
        }
        return;
      case pg_query::CONSTR_GENERATED:
        if (col) {
          col->generated = true;
          col->generated_virtual = con.generated_kind() == "v";
          col->generated_expr = con.has_raw_expr() ? expr_sql(con.raw_expr()) : "";
        }
        return;
      case pg_query::CONSTR_PRIMARY:
        k.kind = ConstraintKind::PrimaryKey;
        break;
      case pg_query::CONSTR_UNIQUE: k.kind = ConstraintKind::Unique; break;
      case pg_query::CONSTR_CHECK:
        k.kind = ConstraintKind::Check;
        if (con.has_raw_expr()) {
          k.expr = expr_sql(con.raw_expr());
          if (column.empty()) cols = referenced_columns(con.raw_expr());
        }
        break;
      case pg_query::CONSTR_EXCLUSION:
        k.kind = ConstraintKind::Exclusion;
        cols.clear();
        for (const auto& ex : con.exclusions())
          if (ex.has_list() && ex.list().items_size() > 0 && ex.list().items(0).has_index_elem())
            cols.push_back(ex.list().items(0).index_elem().name());
        break;
      case pg_query::CONSTR_FOREIGN: {
        k.kind = ConstraintKind::ForeignKey;
        cols = column.empty() ? names_of(con.fk_attrs()) : std::vector<std::string>{column};
        k.ref_table = table_key(con.pktable());
        k.ref_columns = names_of(con.pk_attrs());
        if (k.ref_columns.empty()) {
          // REFERENCES t without columns: the referenced table's primary key.
          const Table* ref = k.ref_table == t.qualified() ? &t : c_.find_table(k.ref_table);
          if (const Constraint* pk = ref ? ref->primary_key() : nullptr) k.ref_columns = pk->columns;
        }
        auto action = [](const std::string& a) -> std::string {
          if (a == "c") return "CASCADE";
          if (a == "n") return "SET NULL";
          if (a == "d") return "SET DEFAULT";
          if (a == "r") return "RESTRICT";
          return "";
        };
        k.on_delete = action(con.fk_del_action());
        k.on_update = action(con.fk_upd_action());
        break;
      }
      default: return;
    }
    k.columns = cols;
    k.validated = !con.skip_validation();
    if (k.name.empty()) {
      std::string base = t.name;
      switch (k.kind) {
        case ConstraintKind::PrimaryKey: k.name = unique_constraint_name(t, t.name, "pkey"); break;
        case ConstraintKind::Check:
          if (cols.size() == 1) base += "_" + cols[0];
          k.name = unique_constraint_name(t, base, "check");
          break;
        case ConstraintKind::ForeignKey:
          for (const auto& c : cols) base += "_" + c;
          k.name = unique_constraint_name(t, base, "fkey");
          break;
        case ConstraintKind::Unique:
        case ConstraintKind::Exclusion:
          for (const auto& c : cols) base += "_" + c;
          k.name = unique_index_name(t.schema, base, k.kind == ConstraintKind::Unique ? "key" : "excl");
          break;
        default: break;
      }
    }
    if (k.kind == ConstraintKind::PrimaryKey)
      for (const auto& c : k.columns)
        if (auto* pc = t.find_column(c)) pc->not_null = true;
    // PRIMARY KEY, UNIQUE and EXCLUDE constraints own an index of the same name.
    if (k.kind == ConstraintKind::PrimaryKey || k.kind == ConstraintKind::Unique || k.kind == ConstraintKind::Exclusion) {
      if (!con.indexname().empty()) {
        // USING INDEX: the existing index becomes the constraint's (and takes its name).
        std::string existing = t.schema + "." + con.indexname();
        if (c_.indexes_.contains(existing)) {
          if (con.conname().empty()) k.name = con.indexname();
          c_.indexes_.update(existing, [&](Index& ix) {
            k.columns = ix.columns;
            ix.primary = k.kind == ConstraintKind::PrimaryKey;
            ix.unique = true;
            ix.constraint = k.name;
            ix.name = t.schema + "." + k.name;
          });
          if (k.kind == ConstraintKind::PrimaryKey)
            for (const auto& c : k.columns)
              if (auto* pc = t.find_column(c)) pc->not_null = true;
        }
      } else {
        Index ix;
        ix.name = t.schema + "." + k.name;
        ix.table = t.qualified();
        ix.columns = k.columns;
        ix.keys = k.columns;
        ix.unique = k.kind != ConstraintKind::Exclusion;
        ix.primary = k.kind == ConstraintKind::PrimaryKey;
        ix.method = k.kind == ConstraintKind::Exclusion && !con.access_method().empty() ? con.access_method() : "btree";
        ix.include = names_of(con.including());
        ix.constraint = k.name;
        ix.partial = con.has_where_clause();
        if (ix.partial) ix.predicate = expr_sql(con.where_clause());
        ix.source = k.source;
        c_.indexes_.put(std::move(ix));
      }
    }
    t.constraints.push_back(std::move(k));
  }

  void add_column(Table& t, const pg_query::ColumnDef& def) {
    if (t.find_column(def.colname())) return;
    Column col;
    col.name = def.colname();
    if (def.has_type_name()) {
      col.type = column_type_of(def.type_name());
      std::string raw = tree::base_type_name(def.type_name());
      if (raw == "serial" || raw == "serial4" || raw == "bigserial" || raw == "serial8" || raw == "smallserial" || raw == "serial2") {
        col.has_default = true;
        col.not_null = true;
        col.default_expr = "nextval('" + t.name + "_" + col.name + "_seq'::regclass)";
      }
    }
    if (def.has_coll_clause()) col.collation = tree::join_names(def.coll_clause().collname());
    col.not_null = col.not_null || def.is_not_null();
    t.columns.push_back(col);
    for (const auto& c : def.constraints())
      if (c.has_constraint()) add_constraint(t, c.constraint(), def.colname());
  }

  // Indexes of src re-created on dst, with names PostgreSQL would choose.
  void copy_indexes(const Table& src, Table& dst, bool with_plain_indexes) {
    for (const Index* from : c_.indexes_on(src.qualified())) {
      const Index& ix = *from;
      if (ix.constraint.empty() && !with_plain_indexes) continue;
      Index copy = ix;
      std::string base = dst.name;
      for (const auto& c : ix.columns) base += "_" + (c.empty() ? std::string("expr") : c);
      std::string label = ix.primary ? "pkey" : !ix.constraint.empty() ? (ix.unique ? "key" : "excl") : "idx";
      copy.name = dst.schema + "." + (ix.primary ? unique_index_name(dst.schema, dst.name, "pkey") : unique_index_name(dst.schema, base, label));
      copy.table = dst.qualified();
      copy.source = first_line();
      if (!ix.constraint.empty()) {
        const Constraint* k = src.find_constraint(ix.constraint);
        if (k) {
          Constraint kc = *k;
          kc.name = copy.short_name();
          kc.source = first_line();
          copy.constraint = kc.name;
          dst.constraints.push_back(kc);
        }
      }
      pending_indexes_.push_back(std::move(copy));
    }
  }

  void create_table(const pg_query::CreateStmt& s) {
    const auto& rv = s.relation();
    if (rv.relpersistence() == "t") return;  // temporary tables are not schema
    std::string key = table_key(rv);
    if (auto it = c_.tables_.find(key); it != c_.tables_.end() && it->second.known) return;  // IF NOT EXISTS
    Table t;
    t.schema = schema_of(rv);
    t.name = rv.relname();
    t.unlogged = rv.relpersistence() == "u";
    t.partitioned = s.has_partspec();
    t.created = first_line();
    pending_indexes_.clear();
    bool partition = s.has_partbound();
    for (const auto& p : s.inh_relations()) {
      if (!p.has_range_var()) continue;
      std::string parent = table_key(p.range_var());
      const Table* src = c_.find_table(parent);
      if (partition) t.partition_of = parent;
      else t.inherits.push_back(parent);
      if (!src || !src->columns_known) {
        t.columns_known = false;
        continue;
      }
      for (const auto& col : src->columns)
        if (!t.find_column(col.name)) t.columns.push_back(col);
      for (const auto& k : src->constraints) {
        if (k.kind == ConstraintKind::Check) t.constraints.push_back(k);
        // A partition gets the parent's keys and foreign keys, with indexes of its own.
        if (partition && k.kind == ConstraintKind::ForeignKey) t.constraints.push_back(k);
      }
      if (partition) copy_indexes(*src, t, true);
    }
    for (const auto& e : s.table_elts()) {
      if (e.has_column_def()) {
        // A column of a partition or child that repeats a parent column only adds constraints.
        if (Column* existing = t.find_column(e.column_def().colname())) {
          for (const auto& c : e.column_def().constraints())
            if (c.has_constraint()) add_constraint(t, c.constraint(), existing->name);
          if (e.column_def().is_not_null()) existing->not_null = true;
        } else {
          add_column(t, e.column_def());
        }
      } else if (e.has_table_like_clause()) {
        like(t, e.table_like_clause());
      }
    }
    for (const auto& e : s.table_elts())
      if (e.has_constraint()) add_constraint(t, e.constraint(), "");
    for (const auto& e : s.constraints())
      if (e.has_constraint()) add_constraint(t, e.constraint(), "");
    apply_default_privileges(t);
    for (auto& ix : pending_indexes_) c_.indexes_.put(std::move(ix));
    pending_indexes_.clear();
    c_.tables_[key] = std::move(t);
  }

  void like(Table& t, const pg_query::TableLikeClause& l) {
    constexpr uint32_t kConstraints = 1u << 2, kDefaults = 1u << 3, kGenerated = 1u << 4, kIdentity = 1u << 5,
                       kIndexes = 1u << 6;
    const Table* src = c_.find_table(table_key(l.relation()));
    if (!src || !src->columns_known) {
      t.columns_known = false;
      return;
    }
    uint32_t o = l.options();
    for (Column col : src->columns) {
      if (t.find_column(col.name)) continue;
      if (!(o & kDefaults)) { col.has_default = false; col.default_expr.clear(); }
      if (!(o & kIdentity)) { col.identity = false; col.identity_kind.clear(); }
      if (!(o & kGenerated)) { col.generated = false; col.generated_expr.clear(); }
      col.has_default = col.has_default || col.identity;
      t.columns.push_back(col);
    }
    if (o & kConstraints)
      for (const auto& k : src->constraints)
        if (k.kind == ConstraintKind::Check) t.constraints.push_back(k);
    if (o & kIndexes) copy_indexes(*src, t, true);
  }

  void apply_default_privileges(Table& t) {
    for (const char* scope : {"", "*"}) {
      std::string key = scope[0] == '*' ? t.schema : "";
      auto it = c_.default_privileges_.find(key);
      if (it == c_.default_privileges_.end()) continue;
      for (const auto& [role, privs] : it->second) t.grants[role].insert(privs.begin(), privs.end());
    }
  }

  // Columns a SELECT produces, when each target can be named and typed from known tables.
  bool columns_of_select(const pg_query::Node& q, std::vector<Column>& out) {
    if (!q.has_select_stmt()) return false;
    const auto& sel = q.select_stmt();
    if (sel.op() != pg_query::SETOP_NONE || sel.target_list().empty()) return false;
    const Table* src = nullptr;
    if (sel.from_clause_size() == 1 && sel.from_clause(0).has_range_var()) src = c_.find_table(table_key(sel.from_clause(0).range_var()));
    bool complete = true;
    for (const auto& target : sel.target_list()) {
      if (!target.has_res_target()) return false;
      const auto& rt = target.res_target();
      const pg_query::Node& v = rt.val();
      if (v.has_column_ref() && v.column_ref().fields_size() > 0 &&
          v.column_ref().fields(v.column_ref().fields_size() - 1).has_a_star()) {
        if (!src || !src->columns_known) return false;
        for (Column c : src->columns) {
          c.has_default = false; c.default_expr.clear(); c.identity = false; c.generated = false; c.not_null = false;
          out.push_back(c);
        }
        continue;
      }
      Column c;
      const pg_query::Node* inner = &v;
      if (v.has_type_cast()) {
        c.type = column_type_of(v.type_cast().type_name());
        inner = &v.type_cast().arg();
      } else {
        c.type_known = false;
      }
      if (inner->has_column_ref()) {
        std::string name = tree::string_value(inner->column_ref().fields(inner->column_ref().fields_size() - 1));
        c.name = name;
        if (!c.type_known || c.type.name.empty()) {
          const Column* sc = src ? src->find_column(name) : nullptr;
          c.type_known = sc != nullptr && sc->type_known;
          if (sc) c.type = sc->type;
        }
      } else if (inner->has_func_call()) {
        c.name = tree::last_name(inner->func_call().funcname());
      }
      if (!rt.name().empty()) c.name = rt.name();
      if (c.name.empty()) { c.name = "?column?"; complete = false; }
      if (!c.type_known) complete = false;
      out.push_back(c);
    }
    return complete;
  }

  void create_table_as(const pg_query::CreateTableAsStmt& s) {
    if (!s.has_into() || !s.into().has_rel()) return;
    const auto& rv = s.into().rel();
    if (rv.relpersistence() == "t") return;
    std::vector<Column> cols;
    bool complete = s.has_query() && columns_of_select(s.query(), cols);
    std::vector<std::string> names = names_of(s.into().col_names());
    for (size_t i = 0; i < names.size(); ++i) {
      if (i < cols.size()) cols[i].name = names[i];
      else {
        Column c;
        c.name = names[i];
        c.type_known = false;
        cols.push_back(c);
        complete = false;
      }
    }
    if (s.objtype() == pg_query::OBJECT_MATVIEW) {
      View v;
      v.schema = schema_of(rv);
      v.name = rv.relname();
      v.materialized = true;
      for (const auto& c : cols) v.columns.push_back(c.name);
      v.created = first_line();
      if (!c_.views_.count(v.qualified())) c_.views_[v.qualified()] = std::move(v);
      return;
    }
    std::string key = table_key(rv);
    if (auto it = c_.tables_.find(key); it != c_.tables_.end() && it->second.known) return;
    Table t;
    t.schema = schema_of(rv);
    t.name = rv.relname();
    t.unlogged = rv.relpersistence() == "u";
    t.created = first_line();
    t.columns = std::move(cols);
    t.columns_known = complete;
    apply_default_privileges(t);
    c_.tables_[key] = std::move(t);
  }

  void drop_column(Table& t, const std::string& name) {
    auto& cols = t.columns;
    cols.erase(std::remove_if(cols.begin(), cols.end(), [&](const Column& c) { return c.name == name; }), cols.end());
    auto& cons = t.constraints;
    cons.erase(std::remove_if(cons.begin(), cons.end(), [&](const Constraint& k) { return has(k.columns, name); }), cons.end());
    // Indexes using the column go with it, expression and partial indexes included.
    for (const Index* ix : c_.indexes_on(t.qualified())) {
      bool uses = has(ix->columns, name) || has(ix->include, name) || mentions_identifier(ix->predicate, name);
      for (const auto& key : ix->keys) uses = uses || mentions_identifier(key, name);
      if (uses) c_.indexes_.erase(std::string(ix->name));
    }
    // Foreign keys elsewhere that reference the column go with it (CASCADE; without it PostgreSQL refuses).
    for (auto& [k, other] : c_.tables_) {
      auto& oc = other.constraints;
      oc.erase(std::remove_if(oc.begin(), oc.end(),
                              [&](const Constraint& k2) {
                                return k2.kind == ConstraintKind::ForeignKey && k2.ref_table == t.qualified() &&
                                       has(k2.ref_columns, name) && &other != &t;
                              }),
               oc.end());
    }
  }

  void set_rel_options(const pg_query::Node& def, bool reset, View* view) {
    if (!view || !def.has_list()) return;
    for (const auto& o : def.list().items()) {
      if (!o.has_def_elem()) continue;
      const auto& d = o.def_elem();
      bool value = !reset && truthy(tree::def_elem_text(d));
      if (d.defname() == "security_invoker") view->security_invoker = value;
      else if (d.defname() == "security_barrier") view->security_barrier = value;
      else if (d.defname() == "check_option") view->check_option = reset ? "" : tree::def_elem_text(d);
    }
  }

  void alter_table(const pg_query::AlterTableStmt& s) {
    std::string key = table_key(s.relation());
    // ALTER VIEW, and ALTER TABLE naming a view: only the view's options matter here.
    if (s.objtype() == pg_query::OBJECT_VIEW || s.objtype() == pg_query::OBJECT_MATVIEW ||
        (s.objtype() == pg_query::OBJECT_TABLE && !c_.tables_.count(key) && c_.views_.count(key))) {
      auto it = c_.views_.find(key);
      View* v = it == c_.views_.end() ? nullptr : &it->second;
      for (const auto& n : s.cmds()) {
        if (!n.has_alter_table_cmd()) continue;
        const auto& cmd = n.alter_table_cmd();
        if (cmd.subtype() == pg_query::AT_SetRelOptions) set_rel_options(cmd.def(), false, v);
        if (cmd.subtype() == pg_query::AT_ResetRelOptions) set_rel_options(cmd.def(), true, v);
      }
      return;
    }
    if (s.objtype() != pg_query::OBJECT_TABLE) return;
    if (s.relation().relpersistence() == "t") return;
    if (!c_.tables_.count(key) && s.missing_ok()) return;  // ALTER TABLE IF EXISTS of something unknown
    Table& t = ensure_table(s.relation());
    for (const auto& n : s.cmds()) {
      if (!n.has_alter_table_cmd()) continue;
      const auto& cmd = n.alter_table_cmd();
      Column* col = cmd.name().empty() ? nullptr : t.find_column(cmd.name());
      switch (cmd.subtype()) {
        case pg_query::AT_AddColumn:
          if (cmd.def().has_column_def()) add_column(t, cmd.def().column_def());
          break;
        case pg_query::AT_DropColumn: drop_column(t, cmd.name()); break;
        case pg_query::AT_AlterColumnType:
          if (col && cmd.def().has_column_def() && cmd.def().column_def().has_type_name()) {
            col->type = column_type_of(cmd.def().column_def().type_name());
            col->type_known = true;
            if (cmd.def().column_def().has_coll_clause()) col->collation = tree::join_names(cmd.def().column_def().coll_clause().collname());
          }
          break;
        case pg_query::AT_SetNotNull:
          if (col) col->not_null = true;
          break;
        case pg_query::AT_DropNotNull:
          if (col) col->not_null = false;
          break;
        case pg_query::AT_ColumnDefault:
          if (col) {
            col->has_default = cmd.has_def();
            col->default_expr = cmd.has_def() ? expr_sql(cmd.def()) : "";
          }
          break;
        case pg_query::AT_AddIdentity:
          if (col) {
            col->identity = true;
            col->not_null = true;
            col->identity_kind = cmd.def().has_constraint() && cmd.def().constraint().generated_when() == "a" ? "ALWAYS" : "BY DEFAULT";
          }
          break;
        case pg_query::AT_SetIdentity:
          if (col && cmd.def().has_list())
            for (const auto& o : cmd.def().list().items()) {
              if (!o.has_def_elem() || o.def_elem().defname() != "generated") continue;
              const auto& arg = o.def_elem().arg();
              bool always = arg.has_integer() && arg.integer().ival() == 'a';
              col->identity_kind = always ? "ALWAYS" : "BY DEFAULT";
            }
          break;
        case pg_query::AT_DropIdentity:
          if (col) { col->identity = false; col->identity_kind.clear(); }
          break;
        case pg_query::AT_DropExpression:
          if (col) { col->generated = false; col->generated_expr.clear(); }
          break;
        case pg_query::AT_AddConstraint:
          if (cmd.def().has_constraint()) add_constraint(t, cmd.def().constraint(), "");
          break;
        case pg_query::AT_DropConstraint: {
          auto& cons = t.constraints;
          cons.erase(std::remove_if(cons.begin(), cons.end(), [&](const Constraint& k) { return k.name == cmd.name(); }), cons.end());
          const Index* owned = c_.indexes_.find(t.schema + "." + cmd.name());
          if (owned && !owned->constraint.empty()) c_.indexes_.erase(std::string(owned->name));
          break;
        }
        case pg_query::AT_ValidateConstraint:
          for (auto& k : t.constraints)
            if (k.name == cmd.name()) k.validated = true;
          break;
        case pg_query::AT_EnableRowSecurity:
          t.rls_enabled = true; t.rls_known = true; t.rls_changed = first_line();
          break;
        case pg_query::AT_DisableRowSecurity:
          t.rls_enabled = false; t.rls_known = true; t.rls_changed = first_line();
          break;
        case pg_query::AT_ForceRowSecurity: t.rls_forced = true; break;
        case pg_query::AT_NoForceRowSecurity: t.rls_forced = false; break;
        case pg_query::AT_SetLogged: t.unlogged = false; break;
        case pg_query::AT_SetUnLogged: t.unlogged = true; break;
        case pg_query::AT_AttachPartition:
          if (cmd.def().has_partition_cmd())
            if (Table* child = c_.mutable_table(table_key(cmd.def().partition_cmd().name()))) child->partition_of = t.qualified();
          break;
        case pg_query::AT_DetachPartition:
          if (cmd.def().has_partition_cmd())
            if (Table* child = c_.mutable_table(table_key(cmd.def().partition_cmd().name()))) child->partition_of.clear();
          break;
        case pg_query::AT_AddInherit:
          if (cmd.def().has_range_var()) t.inherits.push_back(table_key(cmd.def().range_var()));
          break;
        case pg_query::AT_DropInherit:
          if (cmd.def().has_range_var()) {
            std::string p = table_key(cmd.def().range_var());
            t.inherits.erase(std::remove(t.inherits.begin(), t.inherits.end(), p), t.inherits.end());
          }
          break;
        default: break;
      }
    }
  }

  // ------------------------------------------------------------------ indexes
  void create_index(const pg_query::IndexStmt& s) {
    Index ix = index_from_statement(c_, s);
    if (c_.indexes_.contains(ix.name)) return;  // IF NOT EXISTS, or an error in PostgreSQL
    ix.source = first_line();
    c_.indexes_.put(std::move(ix));
  }

  // ------------------------------------------------------------------ renames
  void rename_table(const std::string& from, const std::string& new_schema, const std::string& new_name) {
    auto node = c_.tables_.extract(from);
    if (node.empty()) return;
    c_.note_table_removed(from);
    node.mapped().schema = new_schema;
    node.mapped().name = new_name;
    std::string to = node.mapped().qualified();
    node.key() = to;
    for (const auto& name : c_.indexes_.names_on(from)) c_.indexes_.update(name, [&](Index& ix) { ix.table = to; });
    for (auto& [k, t] : c_.tables_) {
      for (auto& con : t.constraints)
        if (con.ref_table == from) con.ref_table = to;
      if (t.partition_of == from) t.partition_of = to;
      for (auto& p : t.inherits)
        if (p == from) p = to;
    }
    for (auto& con : node.mapped().constraints)
      if (con.ref_table == from) con.ref_table = to;
    c_.tables_.insert(std::move(node));
  }

  void rename_view(const std::string& from, const std::string& new_schema, const std::string& new_name) {
    auto node = c_.views_.extract(from);
    if (node.empty()) return;
    node.mapped().schema = new_schema;
    node.mapped().name = new_name;
    node.key() = node.mapped().qualified();
    c_.views_.insert(std::move(node));
  }

  void rename_index(const std::string& schema, const std::string& from, const std::string& to) {
    c_.indexes_.update(schema + "." + from, [&](Index& ix) {
      ix.name = schema + "." + to;
      // A constraint's index and the constraint share their name.
      if (!ix.constraint.empty()) {
        if (Table* t = c_.mutable_table(ix.table))
          for (auto& k : t->constraints)
            if (k.name == ix.constraint) k.name = to;
        ix.constraint = to;
      }
    });
  }

  void rename_function(const std::vector<std::string>& signatures, const std::string& new_schema, const std::string& new_name) {
    for (const auto& sig : signatures) {
      auto node = c_.functions_.extract(sig);
      if (node.empty()) continue;
      if (!new_schema.empty()) node.mapped().schema = new_schema;
      if (!new_name.empty()) node.mapped().name = new_name;
      node.key() = node.mapped().signature();
      c_.functions_.insert(std::move(node));
    }
  }

  void rename_type(const std::string& from, const std::string& new_schema, const std::string& new_name) {
    auto node = c_.types_.extract(from);
    if (node.empty()) return;
    std::string old_schema = node.mapped().schema, old_name = node.mapped().name;
    node.mapped().schema = new_schema;
    node.mapped().name = new_name;
    node.key() = node.mapped().qualified();
    c_.types_.insert(std::move(node));
    // Columns of that type follow it.
    auto retarget = [&](ColumnType& ct) {
      bool same = ct.name == old_name && (ct.schema == old_schema || (ct.schema.empty() && old_schema == "public"));
      if (!same) return;
      ct.name = new_name;
      ct.schema = new_schema == "public" && ct.schema.empty() ? "" : new_schema;
      std::string dims;
      for (int i = 0; i < ct.array_dims; ++i) dims += "[]";
      ct.display = (ct.schema.empty() ? "" : ct.schema + ".") + new_name + dims;
    };
    for (auto& [k, t] : c_.tables_)
      for (auto& c : t.columns) retarget(c.type);
    for (auto& [k, ty] : c_.types_) {
      retarget(ty.base);
      for (auto& a : ty.attributes) retarget(a.type);
    }
  }

  std::vector<std::string> function_signatures(const pg_query::ObjectWithArgs& f) {
    std::vector<std::string> parts = names_of(f.objname());
    std::string qualified = key_of(parts);
    std::vector<std::string> out;
    if (f.args_unspecified()) {
      for (const Function* fn : c_.functions_named(qualified)) out.push_back(fn->signature());
      return out;
    }
    Function probe;
    auto dot = qualified.find('.');
    probe.schema = qualified.substr(0, dot);
    probe.name = qualified.substr(dot + 1);
    for (const auto& a : f.objfuncargs()) {
      if (!a.has_function_parameter()) continue;
      auto mode = a.function_parameter().mode();
      if (mode == pg_query::FUNC_PARAM_OUT || mode == pg_query::FUNC_PARAM_TABLE) continue;
      probe.arg_types.push_back(canonical_type_text(a.function_parameter().arg_type()));
    }
    if (f.objfuncargs().empty())
      for (const auto& a : f.objargs())
        if (a.has_type_name()) probe.arg_types.push_back(canonical_type_text(a.type_name()));
    out.push_back(probe.signature());
    return out;
  }

  void rename(const pg_query::RenameStmt& s) {
    switch (s.rename_type()) {
      case pg_query::OBJECT_TABLE:
      case pg_query::OBJECT_FOREIGN_TABLE: {
        std::string from = table_key(s.relation());
        if (c_.tables_.count(from)) rename_table(from, schema_of(s.relation()), s.newname());
        else rename_view(from, schema_of(s.relation()), s.newname());
        break;
      }
      case pg_query::OBJECT_VIEW:
      case pg_query::OBJECT_MATVIEW: rename_view(table_key(s.relation()), schema_of(s.relation()), s.newname()); break;
      case pg_query::OBJECT_COLUMN: {
        Table* t = c_.mutable_table(table_key(s.relation()));
        if (!t) {
          if (auto it = c_.views_.find(table_key(s.relation())); it != c_.views_.end())
            for (auto& c : it->second.columns)
              if (c == s.subname()) c = s.newname();
          return;
        }
        if (auto* c = t->find_column(s.subname())) c->name = s.newname();
        for (auto& k : t->constraints)
          for (auto& col : k.columns)
            if (col == s.subname()) col = s.newname();
        for (const auto& name : c_.indexes_.names_on(t->qualified()))
          c_.indexes_.update(name, [&](Index& ix) {
            for (auto& col : ix.columns)
              if (col == s.subname()) col = s.newname();
            for (auto& key : ix.keys)
              key = key == s.subname() ? s.newname() : rename_identifier(key, s.subname(), s.newname());
            if (!ix.predicate.empty()) ix.predicate = rename_identifier(ix.predicate, s.subname(), s.newname());
            for (auto& col : ix.include)
              if (col == s.subname()) col = s.newname();
          });
        for (auto& k : t->constraints)
          if (!k.expr.empty()) k.expr = rename_identifier(k.expr, s.subname(), s.newname());
        for (auto& c : t->columns)
          if (!c.generated_expr.empty()) c.generated_expr = rename_identifier(c.generated_expr, s.subname(), s.newname());
        for (auto& p : t->policies) {
          if (!p.using_expr.empty()) p.using_expr = rename_identifier(p.using_expr, s.subname(), s.newname());
          if (!p.check_expr.empty()) p.check_expr = rename_identifier(p.check_expr, s.subname(), s.newname());
        }
        for (auto& [k, other] : c_.tables_)
          for (auto& con : other.constraints)
            if (con.kind == ConstraintKind::ForeignKey && con.ref_table == t->qualified())
              for (auto& col : con.ref_columns)
                if (col == s.subname()) col = s.newname();
        break;
      }
      case pg_query::OBJECT_TABCONSTRAINT: {
        Table* t = c_.mutable_table(table_key(s.relation()));
        if (!t) return;
        bool owns_index = false;
        for (auto& k : t->constraints)
          if (k.name == s.subname()) {
            k.name = s.newname();
            owns_index = k.kind == ConstraintKind::PrimaryKey || k.kind == ConstraintKind::Unique || k.kind == ConstraintKind::Exclusion;
          }
        if (owns_index)
          c_.indexes_.update(t->schema + "." + s.subname(), [&](Index& ix) {
            ix.name = t->schema + "." + s.newname();
            ix.constraint = s.newname();
          });
        break;
      }
      case pg_query::OBJECT_INDEX: rename_index(schema_of(s.relation()), s.relation().relname(), s.newname()); break;
      case pg_query::OBJECT_POLICY: {
        Table* t = c_.mutable_table(table_key(s.relation()));
        if (!t) return;
        for (auto& p : t->policies)
          if (p.name == s.subname()) p.name = s.newname();
        break;
      }
      case pg_query::OBJECT_FUNCTION:
      case pg_query::OBJECT_PROCEDURE:
      case pg_query::OBJECT_ROUTINE:
        if (s.has_object() && s.object().has_object_with_args())
          rename_function(function_signatures(s.object().object_with_args()), "", s.newname());
        break;
      case pg_query::OBJECT_TYPE:
      case pg_query::OBJECT_DOMAIN: {
        std::vector<std::string> parts;
        if (s.object().has_list()) parts = names_of(s.object().list().items());
        else if (s.object().has_type_name()) parts = names_of(s.object().type_name().names());
        std::string from = key_of(parts);
        if (from.empty()) return;
        rename_type(from, from.substr(0, from.find('.')), s.newname());
        break;
      }
      case pg_query::OBJECT_SCHEMA: rename_schema(s.subname(), s.newname()); break;
      default: break;
    }
  }

  void rename_schema(const std::string& from, const std::string& to) {
    if (auto node = c_.schemas_.extract(from); !node.empty()) {
      node.key() = to;
      node.mapped().name = to;
      c_.schemas_.insert(std::move(node));
    }
    std::vector<std::string> tables, views, types, functions, indexes;
    for (const auto& [k, t] : c_.tables_) if (t.schema == from) tables.push_back(k);
    for (const auto& [k, v] : c_.views_) if (v.schema == from) views.push_back(k);
    for (const auto& [k, ty] : c_.types_) if (ty.schema == from) types.push_back(k);
    for (const auto& [k, f] : c_.functions_) if (f.schema == from) functions.push_back(k);
    for (const auto& [k, ix] : c_.indexes_.all()) if (k.rfind(from + ".", 0) == 0) indexes.push_back(k);
    for (const auto& k : tables) rename_table(k, to, c_.tables_.at(k).name);
    for (const auto& k : views) rename_view(k, to, c_.views_.at(k).name);
    for (const auto& k : types) rename_type(k, to, c_.types_.at(k).name);
    rename_function(functions, to, "");
    for (const auto& k : indexes) c_.indexes_.update(k, [&](Index& ix) { ix.name = to + "." + ix.short_name(); });
  }

  // ------------------------------------------------------------------ drops
  void drop_table(const std::string& key) {
    if (!c_.tables_.erase(key)) return;
    c_.note_table_removed(key);
    for (const auto& name : c_.indexes_.names_on(key)) c_.indexes_.erase(name);
    for (auto& [k, t] : c_.tables_) {
      auto& cons = t.constraints;
      cons.erase(std::remove_if(cons.begin(), cons.end(),
                                [&](const Constraint& c) { return c.kind == ConstraintKind::ForeignKey && c.ref_table == key; }),
                 cons.end());
    }
  }

  void drop(const pg_query::DropStmt& s) {
    auto type = s.remove_type();
    for (const auto& obj : s.objects()) {
      switch (type) {
        case pg_query::OBJECT_TABLE:
        case pg_query::OBJECT_FOREIGN_TABLE:
          if (obj.has_list()) drop_table(key_of(names_of(obj.list().items())));
          break;
        case pg_query::OBJECT_INDEX:
          if (obj.has_list()) c_.indexes_.erase(key_of(names_of(obj.list().items())));
          break;
        case pg_query::OBJECT_VIEW:
        case pg_query::OBJECT_MATVIEW:
          if (obj.has_list()) c_.views_.erase(key_of(names_of(obj.list().items())));
          break;
        case pg_query::OBJECT_FUNCTION:
        case pg_query::OBJECT_PROCEDURE:
        case pg_query::OBJECT_ROUTINE:
          if (obj.has_object_with_args())
            for (const auto& sig : function_signatures(obj.object_with_args())) c_.functions_.erase(sig);
          break;
        case pg_query::OBJECT_TYPE:
        case pg_query::OBJECT_DOMAIN:
          if (obj.has_type_name()) c_.types_.erase(key_of(names_of(obj.type_name().names())));
          else if (obj.has_list()) c_.types_.erase(key_of(names_of(obj.list().items())));
          break;
        case pg_query::OBJECT_POLICY:
          if (obj.has_list()) {
            std::vector<std::string> parts = names_of(obj.list().items());
            if (parts.size() < 2) break;
            std::string policy = parts.back();
            parts.pop_back();
            if (Table* t = c_.mutable_table(key_of(parts))) {
              auto& ps = t->policies;
              ps.erase(std::remove_if(ps.begin(), ps.end(), [&](const Policy& p) { return p.name == policy; }), ps.end());
            }
          }
          break;
        case pg_query::OBJECT_SCHEMA: drop_schema(tree::string_value(obj)); break;
        case pg_query::OBJECT_EXTENSION: c_.extensions_.erase(tree::string_value(obj)); break;
        default: break;
      }
    }
  }

  void drop_schema(const std::string& schema) {
    c_.schemas_.erase(schema);
    std::vector<std::string> tables;
    for (const auto& [k, t] : c_.tables_)
      if (t.schema == schema) tables.push_back(k);
    for (const auto& k : tables) drop_table(k);
    auto in_schema = [&](const std::string& key) { return key.rfind(schema + ".", 0) == 0; };
    std::vector<std::string> indexes;
    for (const auto& [k, ix] : c_.indexes_.all())
      if (in_schema(k)) indexes.push_back(k);
    for (const auto& k : indexes) c_.indexes_.erase(k);
    for (auto it = c_.views_.begin(); it != c_.views_.end();) it = in_schema(it->first) ? c_.views_.erase(it) : std::next(it);
    for (auto it = c_.types_.begin(); it != c_.types_.end();) it = in_schema(it->first) ? c_.types_.erase(it) : std::next(it);
    for (auto it = c_.functions_.begin(); it != c_.functions_.end();)
      it = it->second.schema == schema ? c_.functions_.erase(it) : std::next(it);
    c_.default_privileges_.erase(schema);
  }

  void set_schema(const pg_query::AlterObjectSchemaStmt& s) {
    switch (s.object_type()) {
      case pg_query::OBJECT_TABLE: {
        std::string from = table_key(s.relation());
        if (c_.tables_.count(from)) {
          rename_table(from, s.newschema(), s.relation().relname());
          // Its indexes move with it.
          for (const auto& k : c_.indexes_.names_on(s.newschema() + "." + s.relation().relname()))
            c_.indexes_.update(k, [&](Index& ix) { ix.name = s.newschema() + "." + ix.short_name(); });
        } else {
          rename_view(from, s.newschema(), s.relation().relname());
        }
        break;
      }
      case pg_query::OBJECT_VIEW:
      case pg_query::OBJECT_MATVIEW:
        rename_view(table_key(s.relation()), s.newschema(), s.relation().relname());
        break;
      case pg_query::OBJECT_FUNCTION:
      case pg_query::OBJECT_PROCEDURE:
        if (s.object().has_object_with_args()) rename_function(function_signatures(s.object().object_with_args()), s.newschema(), "");
        break;
      case pg_query::OBJECT_TYPE:
      case pg_query::OBJECT_DOMAIN: {
        std::vector<std::string> parts;
        if (s.object().has_list()) parts = names_of(s.object().list().items());
        else if (s.object().has_type_name()) parts = names_of(s.object().type_name().names());
        std::string from = key_of(parts);
        if (!from.empty()) rename_type(from, s.newschema(), from.substr(from.find('.') + 1));
        break;
      }
      default: break;
    }
  }

  // ------------------------------------------------------------------ extensions
  void create_extension(const pg_query::CreateExtensionStmt& s) {
    if (c_.extensions_.count(s.extname())) return;
    Extension e;
    e.name = s.extname();
    for (const auto& o : s.options())
      if (o.has_def_elem() && o.def_elem().defname() == "schema") e.schema = tree::def_elem_text(o.def_elem());
    e.created = first_line();
    c_.extensions_[e.name] = std::move(e);
  }

  // ------------------------------------------------------------------ schemas
  void create_schema(const pg_query::CreateSchemaStmt& s) {
    std::string name = s.schemaname();
    if (name.empty() && s.has_authrole()) name = s.authrole().rolename();
    if (name.empty()) return;
    if (!c_.schemas_.count(name)) c_.schemas_[name] = Schema{name, first_line()};
    for (const auto& e : s.schema_elts()) {
      // Elements of CREATE SCHEMA ... CREATE TABLE/VIEW/INDEX default to that schema.
      pg_query::Node copy = e;
      if (copy.has_create_stmt() && copy.create_stmt().relation().schemaname().empty())
        copy.mutable_create_stmt()->mutable_relation()->set_schemaname(name);
      else if (copy.has_view_stmt() && copy.view_stmt().view().schemaname().empty())
        copy.mutable_view_stmt()->mutable_view()->set_schemaname(name);
      else if (copy.has_index_stmt() && copy.index_stmt().relation().schemaname().empty())
        copy.mutable_index_stmt()->mutable_relation()->set_schemaname(name);
      apply(copy);
    }
  }

  // ------------------------------------------------------------------ views
  void create_view(const pg_query::ViewStmt& s) {
    const auto& rv = s.view();
    if (rv.relpersistence() == "t") return;
    View v;
    v.schema = schema_of(rv);
    v.name = rv.relname();
    v.created = first_line();
    for (const auto& o : s.options()) {
      if (!o.has_def_elem()) continue;
      const auto& d = o.def_elem();
      if (d.defname() == "security_invoker") v.security_invoker = truthy(tree::def_elem_text(d));
      else if (d.defname() == "security_barrier") v.security_barrier = truthy(tree::def_elem_text(d));
      else if (d.defname() == "check_option") v.check_option = tree::def_elem_text(d);
    }
    if (s.with_check_option() == pg_query::LOCAL_CHECK_OPTION) v.check_option = "local";
    if (s.with_check_option() == pg_query::CASCADED_CHECK_OPTION) v.check_option = "cascaded";
    std::vector<Column> cols;
    if (s.has_query()) columns_of_select(s.query(), cols);
    for (const auto& c : cols) v.columns.push_back(c.name);
    std::vector<std::string> aliases = names_of(s.aliases());
    for (size_t i = 0; i < aliases.size(); ++i) {
      if (i < v.columns.size()) v.columns[i] = aliases[i];
      else v.columns.push_back(aliases[i]);
    }
    if (c_.views_.count(v.qualified()) && !s.replace()) return;
    c_.views_[v.qualified()] = std::move(v);
  }

  // ------------------------------------------------------------------ functions
  static void function_option(Function& f, const pg_query::DefElem& d) {
    if (d.defname() == "security") f.security_definer = d.arg().has_boolean() ? d.arg().boolean().boolval() : truthy(tree::def_elem_text(d));
    else if (d.defname() == "language") f.language = tree::def_elem_text(d);
    else if (d.defname() == "volatility") f.volatility = tree::def_elem_text(d);
    else if (d.defname() == "set" && d.arg().has_variable_set_stmt()) {
      const auto& v = d.arg().variable_set_stmt();
      if (v.kind() == pg_query::VAR_RESET_ALL) {
        f.sets_search_path = false;
        f.search_path.clear();
      } else if (v.name() == "search_path") {
        if (v.kind() == pg_query::VAR_SET_VALUE) {
          f.sets_search_path = true;
          std::string val;
          for (const auto& a : v.args()) {
            if (!val.empty()) val += ", ";
            std::string s = a.has_a_const() && a.a_const().has_sval() ? a.a_const().sval().sval() : expr_sql(a);
            val += s.empty() ? "''" : s;
          }
          f.search_path = val;
        } else if (v.kind() == pg_query::VAR_SET_CURRENT) {
          f.sets_search_path = true;
          f.search_path = "FROM CURRENT";
        } else {
          f.sets_search_path = false;
          f.search_path.clear();
        }
      }
    }
  }

  void create_function(const pg_query::CreateFunctionStmt& s) {
    std::string qualified = key_of(names_of(s.funcname()));
    Function f;
    auto dot = qualified.find('.');
    f.schema = qualified.substr(0, dot);
    f.name = qualified.substr(dot + 1);
    f.procedure = s.is_procedure();
    for (const auto& p : s.parameters()) {
      if (!p.has_function_parameter()) continue;
      auto mode = p.function_parameter().mode();
      if (mode == pg_query::FUNC_PARAM_OUT || mode == pg_query::FUNC_PARAM_TABLE) continue;
      f.arg_types.push_back(canonical_type_text(p.function_parameter().arg_type()));
    }
    if (s.has_return_type()) f.returns = tree::format_type(s.return_type());
    for (const auto& o : s.options())
      if (o.has_def_elem()) function_option(f, o.def_elem());
    f.created = first_line();
    std::string sig = f.signature();
    if (c_.functions_.count(sig) && !s.replace()) return;
    c_.functions_[sig] = std::move(f);
  }

  void alter_function(const pg_query::AlterFunctionStmt& s) {
    for (const auto& sig : function_signatures(s.func())) {
      auto it = c_.functions_.find(sig);
      if (it == c_.functions_.end()) continue;
      for (const auto& a : s.actions())
        if (a.has_def_elem()) function_option(it->second, a.def_elem());
    }
  }

  // ------------------------------------------------------------------ policies and grants
  void create_policy(const pg_query::CreatePolicyStmt& s) {
    Table& t = ensure_table(s.table());
    if (t.find_policy(s.policy_name())) return;
    Policy p;
    p.name = s.policy_name();
    p.command = s.cmd_name().empty() ? "all" : s.cmd_name();
    p.permissive = s.permissive();
    for (const auto& r : s.roles()) p.roles.push_back(role_name(r));
    if (p.roles.empty()) p.roles.push_back("public");
    if (s.has_qual()) {
      p.using_expr = expr_sql(s.qual());
      p.using_true = expr_is_literally_true(s.qual());
    }
    if (s.has_with_check()) {
      p.check_expr = expr_sql(s.with_check());
      p.check_true = expr_is_literally_true(s.with_check());
    }
    p.source = first_line();
    t.policies.push_back(std::move(p));
  }

  void alter_policy(const pg_query::AlterPolicyStmt& s) {
    Table* t = c_.mutable_table(table_key(s.table()));
    if (!t) return;
    for (auto& p : t->policies) {
      if (p.name != s.policy_name()) continue;
      if (!s.roles().empty()) {
        p.roles.clear();
        for (const auto& r : s.roles()) p.roles.push_back(role_name(r));
      }
      if (s.has_qual()) {
        p.using_expr = expr_sql(s.qual());
        p.using_true = expr_is_literally_true(s.qual());
      }
      if (s.has_with_check()) {
        p.check_expr = expr_sql(s.with_check());
        p.check_true = expr_is_literally_true(s.with_check());
      }
    }
  }

  void grant(const pg_query::GrantStmt& g) {
    if (g.objtype() != pg_query::OBJECT_TABLE) return;
    if (g.targtype() == pg_query::ACL_TARGET_ALL_IN_SCHEMA) {
      for (const auto& o : g.objects()) {
        std::string schema = tree::string_value(o);
        for (auto& [k, t] : c_.tables_)
          if (t.schema == schema) apply_grant(t.grants, g);
      }
      return;
    }
    for (const auto& o : g.objects()) {
      if (!o.has_range_var()) continue;
      std::string key = table_key(o.range_var());
      if (!c_.tables_.count(key) && c_.views_.count(key)) continue;  // GRANT ON a view
      apply_grant(ensure_table(o.range_var()).grants, g);
    }
  }

  void default_privileges(const pg_query::AlterDefaultPrivilegesStmt& s) {
    if (!s.has_action() || s.action().objtype() != pg_query::OBJECT_TABLE) return;
    std::vector<std::string> schemas;
    for (const auto& o : s.options())
      if (o.has_def_elem() && o.def_elem().defname() == "schemas" && o.def_elem().arg().has_list())
        schemas = names_of(o.def_elem().arg().list().items());
    if (schemas.empty()) schemas.push_back("");
    for (const auto& sc : schemas) {
      apply_grant(c_.default_privileges_[sc], s.action());
      if (c_.default_privileges_[sc].empty()) c_.default_privileges_.erase(sc);
    }
  }

  // ------------------------------------------------------------------ types
  UserType* add_type(const std::vector<std::string>& parts, UserTypeKind kind) {
    std::string key = key_of(parts);
    if (key.empty() || c_.types_.count(key)) return nullptr;
    UserType t;
    auto dot = key.find('.');
    t.schema = key.substr(0, dot);
    t.name = key.substr(dot + 1);
    t.kind = kind;
    t.created = first_line();
    return &(c_.types_[key] = std::move(t));
  }

  void create_enum(const pg_query::CreateEnumStmt& s) {
    if (UserType* t = add_type(names_of(s.type_name()), UserTypeKind::Enum))
      for (const auto& v : s.vals()) t->labels.push_back(tree::string_value(v));
  }

  void alter_enum(const pg_query::AlterEnumStmt& s) {
    auto it = c_.types_.find(key_of(names_of(s.type_name())));
    if (it == c_.types_.end() || it->second.kind != UserTypeKind::Enum) return;
    auto& labels = it->second.labels;
    if (!s.old_val().empty()) {
      for (auto& l : labels)
        if (l == s.old_val()) l = s.new_val();
      // Column defaults holding the label hold the new one: PostgreSQL stores the value, not the text.
      const UserType& type = it->second;
      std::string from = quote_literal(s.old_val()), to = quote_literal(s.new_val());
      for (auto& [k, t] : c_.tables_)
        for (auto& col : t.columns) {
          if (!col.has_default || col.default_expr.rfind(from, 0) != 0) continue;
          if (c_.user_type(col.type) != &type) continue;
          col.default_expr = to + col.default_expr.substr(from.size());
        }
      return;
    }
    if (has(labels, s.new_val())) return;
    auto pos = labels.end();
    if (!s.new_val_neighbor().empty()) {
      auto n = std::find(labels.begin(), labels.end(), s.new_val_neighbor());
      if (n != labels.end()) pos = s.new_val_is_after() ? std::next(n) : n;
    }
    labels.insert(pos, s.new_val());
  }

  void create_domain(const pg_query::CreateDomainStmt& s) {
    UserType* t = add_type(names_of(s.domainname()), UserTypeKind::Domain);
    if (!t) return;
    t->base = column_type_of(s.type_name());
    for (const auto& c : s.constraints()) {
      if (!c.has_constraint()) continue;
      if (c.constraint().contype() == pg_query::CONSTR_NOTNULL) t->not_null = true;
      if (c.constraint().contype() == pg_query::CONSTR_CHECK && c.constraint().has_raw_expr())
        t->checks.push_back(expr_sql(c.constraint().raw_expr()));
    }
  }

  void alter_domain(const pg_query::AlterDomainStmt& s) {
    auto it = c_.types_.find(key_of(names_of(s.type_name())));
    if (it == c_.types_.end()) return;
    const std::string& st = s.subtype();
    if (st == "O") it->second.not_null = true;
    else if (st == "N") it->second.not_null = false;
    else if (st == "C" && s.def().has_constraint() && s.def().constraint().has_raw_expr())
      it->second.checks.push_back(expr_sql(s.def().constraint().raw_expr()));
  }

  void create_composite(const pg_query::CompositeTypeStmt& s) {
    std::vector<std::string> parts;
    if (!s.typevar().schemaname().empty()) parts.push_back(s.typevar().schemaname());
    parts.push_back(s.typevar().relname());
    UserType* t = add_type(parts, UserTypeKind::Composite);
    if (!t) return;
    for (const auto& c : s.coldeflist())
      if (c.has_column_def()) {
        Column col;
        col.name = c.column_def().colname();
        col.type = column_type_of(c.column_def().type_name());
        t->attributes.push_back(col);
      }
  }

  Catalog& c_;
  SourceRef where_;
  std::string_view text_;
  std::vector<Index> pending_indexes_;
};

Index index_from_statement(const Catalog& c, const pg_query::IndexStmt& s) {
  std::string table = table_key(s.relation());
  std::string schema = schema_of(s.relation());
  const Table* t = c.find_table(table);
  Index ix;
  ix.table = table;
  for (const auto& p : s.index_params()) {
    if (!p.has_index_elem()) continue;
    const auto& e = p.index_elem();
    ix.columns.push_back(e.name());
    std::string key = !e.name().empty() ? e.name() : e.has_expr() ? "(" + expr_sql(e.expr()) + ")" : "";
    if (e.ordering() == pg_query::SORTBY_DESC) key += " DESC";
    if (e.nulls_ordering() == pg_query::SORTBY_NULLS_FIRST) key += " NULLS FIRST";
    if (e.nulls_ordering() == pg_query::SORTBY_NULLS_LAST) key += " NULLS LAST";
    if (!e.opclass().empty()) key += " " + tree::join_names(e.opclass());
    ix.keys.push_back(key);
  }
  for (const auto& p : s.index_including_params())
    if (p.has_index_elem()) ix.include.push_back(p.index_elem().name());
  if (s.idxname().empty()) {
    std::string base = s.relation().relname();
    for (const auto& p : s.index_params())
      if (p.has_index_elem()) base += "_" + index_column_label(p.index_elem());
    ix.name = schema + "." + c.choose_name(schema, base, s.primary() ? "pkey" : "idx");
  } else {
    ix.name = schema + "." + s.idxname();
  }
  ix.unique = s.unique();
  ix.primary = s.primary();
  ix.partial = s.has_where_clause();
  if (ix.partial) ix.predicate = expr_sql(s.where_clause());
  if (!s.access_method().empty()) ix.method = s.access_method();
  ix.concurrently = s.concurrent();
  // CREATE INDEX ON ONLY a partitioned table stays invalid until every partition's index is attached.
  ix.valid = !(t && t->partitioned && !s.relation().inh());
  return ix;
}

void Catalog::apply(const pg_query::Node& stmt, const SourceRef& where, std::string_view text) {
  CatalogReplayer(*this, where, text).apply(stmt);
}

}  // namespace pgsafe
