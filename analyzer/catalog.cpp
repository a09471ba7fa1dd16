#include "analyzer/catalog.h"

#include <algorithm>

#include "parser/tree.h"

namespace pgsafe {

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

namespace {

std::string table_key(const pg_query::RangeVar& rv) { return Catalog::qualify(rv.schemaname(), rv.relname()); }

ColumnType column_type(const pg_query::TypeName& t) {
  ColumnType ct;
  ct.name = tree::base_type_name(t);
  if (t.names_size() == 2 && tree::string_value(t.names(0)) != "pg_catalog") ct.schema = tree::string_value(t.names(0));
  ct.mods = tree::type_modifiers(t);
  ct.array_dims = t.array_bounds_size();
  ct.display = tree::format_type(t);
  // serial types are integers with a sequence default.
  if (ct.name == "serial" || ct.name == "serial4") ct.name = "int4";
  else if (ct.name == "bigserial" || ct.name == "serial8") ct.name = "int8";
  else if (ct.name == "smallserial" || ct.name == "serial2") ct.name = "int2";
  return ct;
}

std::vector<std::string> names_of(const tree::NodeList& list) {
  std::vector<std::string> out;
  for (const auto& n : list) out.push_back(tree::string_value(n));
  return out;
}

}  // namespace

class CatalogReplayer {
 public:
  CatalogReplayer(Catalog& c, const SourceRef& where) : c_(c), where_(where) {}

  void apply(const pg_query::Node& stmt) {
    switch (stmt.node_case()) {
      case pg_query::Node::kCreateStmt: create_table(stmt.create_stmt()); break;
      case pg_query::Node::kAlterTableStmt: alter_table(stmt.alter_table_stmt()); break;
      case pg_query::Node::kIndexStmt: create_index(stmt.index_stmt()); break;
      case pg_query::Node::kRenameStmt: rename(stmt.rename_stmt()); break;
      case pg_query::Node::kDropStmt: drop(stmt.drop_stmt()); break;
      case pg_query::Node::kAlterObjectSchemaStmt: set_schema(stmt.alter_object_schema_stmt()); break;
      case pg_query::Node::kCreateSchemaStmt:
        for (const auto& e : stmt.create_schema_stmt().schema_elts()) {
          // Elements of CREATE SCHEMA ... CREATE TABLE default to that schema.
          if (e.has_create_stmt() && e.create_stmt().relation().schemaname().empty()) {
            pg_query::Node copy = e;
            copy.mutable_create_stmt()->mutable_relation()->set_schemaname(stmt.create_schema_stmt().schemaname());
            apply(copy);
          } else {
            apply(e);
          }
        }
        break;
      default: break;
    }
  }

 private:
  void add_constraint(Table& t, const pg_query::Constraint& con, const std::string& column) {
    Constraint k;
    k.name = con.conname();
    k.source = where_;
    std::vector<std::string> cols = column.empty() ? names_of(con.keys()) : std::vector<std::string>{column};
    switch (con.contype()) {
      case pg_query::CONSTR_NOTNULL:
        if (auto* c = t.find_column(column)) c->not_null = true;
        return;
      case pg_query::CONSTR_DEFAULT:
        if (auto* c = t.find_column(column)) c->has_default = true;
        return;
      case pg_query::CONSTR_IDENTITY:
        if (auto* c = t.find_column(column)) { c->identity = true; c->not_null = true; }
        return;
      case pg_query::CONSTR_GENERATED:
        if (auto* c = t.find_column(column)) c->generated = true;
        return;
      case pg_query::CONSTR_PRIMARY:
        k.kind = ConstraintKind::PrimaryKey;
        for (const auto& col : cols)
          if (auto* c = t.find_column(col)) c->not_null = true;
        break;
      case pg_query::CONSTR_UNIQUE: k.kind = ConstraintKind::Unique; break;
      case pg_query::CONSTR_CHECK: k.kind = ConstraintKind::Check; break;
      case pg_query::CONSTR_EXCLUSION: k.kind = ConstraintKind::Exclusion; break;
      case pg_query::CONSTR_FOREIGN:
        k.kind = ConstraintKind::ForeignKey;
        cols = column.empty() ? names_of(con.fk_attrs()) : std::vector<std::string>{column};
        k.ref_table = table_key(con.pktable());
        k.ref_columns = names_of(con.pk_attrs());
        break;
      default: return;
    }
    k.columns = cols;
    k.validated = !con.skip_validation();
    if (k.name.empty()) k.name = default_constraint_name(t, k);
    // PRIMARY KEY and UNIQUE constraints own an index of the same name.
    if (k.kind == ConstraintKind::PrimaryKey || k.kind == ConstraintKind::Unique) {
      Index ix;
      ix.name = t.schema + "." + (con.indexname().empty() ? k.name : con.indexname());
      ix.table = t.qualified();
      ix.columns = cols;
      ix.unique = true;
      ix.primary = k.kind == ConstraintKind::PrimaryKey;
      ix.source = where_;
      if (!con.indexname().empty()) {
        // USING INDEX: the existing index becomes the constraint's.
        auto it = c_.indexes_.find(t.schema + "." + con.indexname());
        if (it != c_.indexes_.end()) {
          k.columns = it->second.columns;
          it->second.primary = ix.primary;
          it->second.unique = true;
        }
      } else {
        c_.indexes_[ix.name] = ix;
      }
    }
    t.constraints.push_back(std::move(k));
  }

  // PostgreSQL's naming: <table>_<cols>_pkey / _key / _fkey / _check / _excl.
  static std::string default_constraint_name(const Table& t, const Constraint& k) {
    std::string suffix;
    switch (k.kind) {
      case ConstraintKind::PrimaryKey: return t.name + "_pkey";
      case ConstraintKind::Unique: suffix = "key"; break;
      case ConstraintKind::ForeignKey: suffix = "fkey"; break;
      case ConstraintKind::Check: suffix = "check"; break;
      case ConstraintKind::Exclusion: suffix = "excl"; break;
      case ConstraintKind::NotNull: suffix = "not_null"; break;
    }
    std::string name = t.name;
    for (const auto& c : k.columns) name += "_" + c;
    return name + "_" + suffix;
  }

  void add_column(Table& t, const pg_query::ColumnDef& def) {
    if (t.find_column(def.colname())) return;
    Column col;
    col.name = def.colname();
    if (def.has_type_name()) {
      col.type = column_type(def.type_name());
      std::string raw = tree::base_type_name(def.type_name());
      if (raw.find("serial") != std::string::npos) { col.has_default = true; col.not_null = true; }
    }
    col.not_null = col.not_null || def.is_not_null();
    t.columns.push_back(col);
    for (const auto& c : def.constraints())
      if (c.has_constraint()) add_constraint(t, c.constraint(), def.colname());
  }

  void create_table(const pg_query::CreateStmt& s) {
    const auto& rv = s.relation();
    if (rv.relpersistence() == "t") return;  // temporary tables are not schema
    std::string key = table_key(rv);
    if (c_.tables_.count(key)) return;       // IF NOT EXISTS, or a redefinition Postgres would reject
    Table t;
    t.schema = rv.schemaname().empty() ? "public" : rv.schemaname();
    t.name = rv.relname();
    t.unlogged = rv.relpersistence() == "u";
    t.partitioned = s.has_partspec();
    t.created = where_;
    for (const auto& e : s.table_elts()) {
      if (e.has_column_def()) add_column(t, e.column_def());
      else if (e.has_table_like_clause()) {
        // LIKE copies the columns of a table the catalog knows.
        if (const Table* src = c_.find_table(table_key(e.table_like_clause().relation())))
          for (const auto& col : src->columns) t.columns.push_back(col);
      }
    }
    for (const auto& e : s.table_elts())
      if (e.has_constraint()) add_constraint(t, e.constraint(), "");
    for (const auto& e : s.constraints())
      if (e.has_constraint()) add_constraint(t, e.constraint(), "");
    c_.tables_[key] = std::move(t);
  }

  void alter_table(const pg_query::AlterTableStmt& s) {
    if (s.objtype() != pg_query::OBJECT_TABLE) return;
    Table* t = c_.mutable_table(table_key(s.relation()));
    if (!t) return;  // a table from outside the set: nothing known to update
    for (const auto& n : s.cmds()) {
      if (!n.has_alter_table_cmd()) continue;
      const auto& cmd = n.alter_table_cmd();
      switch (cmd.subtype()) {
        case pg_query::AT_AddColumn:
          if (cmd.def().has_column_def()) add_column(*t, cmd.def().column_def());
          break;
        case pg_query::AT_DropColumn: {
          auto& cols = t->columns;
          cols.erase(std::remove_if(cols.begin(), cols.end(), [&](const Column& c) { return c.name == cmd.name(); }),
                     cols.end());
          auto& cons = t->constraints;
          cons.erase(std::remove_if(cons.begin(), cons.end(),
                                    [&](const Constraint& k) {
                                      return std::find(k.columns.begin(), k.columns.end(), cmd.name()) != k.columns.end();
                                    }),
                     cons.end());
          for (auto it = c_.indexes_.begin(); it != c_.indexes_.end();) {
            const auto& ic = it->second.columns;
            if (it->second.table == t->qualified() && std::find(ic.begin(), ic.end(), cmd.name()) != ic.end())
              it = c_.indexes_.erase(it);
            else
              ++it;
          }
          break;
        }
        case pg_query::AT_AlterColumnType:
          if (auto* c = t->find_column(cmd.name()); c && cmd.def().has_column_def() && cmd.def().column_def().has_type_name())
            c->type = column_type(cmd.def().column_def().type_name());
          break;
        case pg_query::AT_SetNotNull:
          if (auto* c = t->find_column(cmd.name())) c->not_null = true;
          break;
        case pg_query::AT_DropNotNull:
          if (auto* c = t->find_column(cmd.name())) c->not_null = false;
          break;
        case pg_query::AT_ColumnDefault:
          if (auto* c = t->find_column(cmd.name())) c->has_default = cmd.has_def();
          break;
        case pg_query::AT_AddConstraint:
          if (cmd.def().has_constraint()) add_constraint(*t, cmd.def().constraint(), "");
          break;
        case pg_query::AT_DropConstraint: {
          auto& cons = t->constraints;
          cons.erase(std::remove_if(cons.begin(), cons.end(), [&](const Constraint& k) { return k.name == cmd.name(); }),
                     cons.end());
          c_.indexes_.erase(t->schema + "." + cmd.name());
          break;
        }
        case pg_query::AT_ValidateConstraint:
          for (auto& k : t->constraints)
            if (k.name == cmd.name()) k.validated = true;
          break;
        case pg_query::AT_EnableRowSecurity: t->rls_enabled = true; break;
        case pg_query::AT_DisableRowSecurity: t->rls_enabled = false; break;
        case pg_query::AT_ForceRowSecurity: t->rls_forced = true; break;
        case pg_query::AT_NoForceRowSecurity: t->rls_forced = false; break;
        default: break;
      }
    }
  }

  void create_index(const pg_query::IndexStmt& s) {
    std::string table = table_key(s.relation());
    std::string schema = s.relation().schemaname().empty() ? "public" : s.relation().schemaname();
    Index ix;
    ix.name = schema + "." + (s.idxname().empty() ? s.relation().relname() + "_idx" : s.idxname());
    if (c_.indexes_.count(ix.name)) return;
    ix.table = table;
    for (const auto& p : s.index_params())
      if (p.has_index_elem()) ix.columns.push_back(p.index_elem().name());
    ix.unique = s.unique();
    ix.primary = s.primary();
    ix.partial = s.has_where_clause();
    ix.source = where_;
    c_.indexes_[ix.name] = std::move(ix);
  }

  void rename(const pg_query::RenameStmt& s) {
    switch (s.rename_type()) {
      case pg_query::OBJECT_TABLE: {
        std::string from = table_key(s.relation());
        auto node = c_.tables_.extract(from);
        if (node.empty()) return;
        node.mapped().name = s.newname();
        std::string to = node.mapped().qualified();
        node.key() = to;
        for (auto& [k, ix] : c_.indexes_)
          if (ix.table == from) ix.table = to;
        for (auto& [k, t] : c_.tables_)
          for (auto& con : t.constraints)
            if (con.ref_table == from) con.ref_table = to;
        c_.tables_.insert(std::move(node));
        break;
      }
      case pg_query::OBJECT_COLUMN: {
        Table* t = c_.mutable_table(table_key(s.relation()));
        if (!t) return;
        if (auto* c = t->find_column(s.subname())) c->name = s.newname();
        for (auto& k : t->constraints)
          for (auto& col : k.columns)
            if (col == s.subname()) col = s.newname();
        for (auto& [k, ix] : c_.indexes_)
          if (ix.table == t->qualified())
            for (auto& col : ix.columns)
              if (col == s.subname()) col = s.newname();
        break;
      }
      case pg_query::OBJECT_TABCONSTRAINT: {
        Table* t = c_.mutable_table(table_key(s.relation()));
        if (!t) return;
        for (auto& k : t->constraints)
          if (k.name == s.subname()) k.name = s.newname();
        break;
      }
      case pg_query::OBJECT_INDEX: {
        std::string schema = s.relation().schemaname().empty() ? "public" : s.relation().schemaname();
        auto node = c_.indexes_.extract(schema + "." + s.relation().relname());
        if (node.empty()) return;
        node.key() = schema + "." + s.newname();
        node.mapped().name = node.key();
        c_.indexes_.insert(std::move(node));
        break;
      }
      default: break;
    }
  }

  void drop(const pg_query::DropStmt& s) {
    for (const auto& obj : s.objects()) {
      if (!obj.has_list()) continue;
      std::vector<std::string> parts = names_of(obj.list().items());
      if (parts.empty()) continue;
      std::string key = parts.size() >= 2 ? parts[parts.size() - 2] + "." + parts.back() : "public." + parts.back();
      if (s.remove_type() == pg_query::OBJECT_TABLE) {
        c_.tables_.erase(key);
        for (auto it = c_.indexes_.begin(); it != c_.indexes_.end();)
          it = it->second.table == key ? c_.indexes_.erase(it) : std::next(it);
      } else if (s.remove_type() == pg_query::OBJECT_INDEX) {
        c_.indexes_.erase(key);
      }
    }
    if (s.remove_type() == pg_query::OBJECT_SCHEMA) {
      for (const auto& obj : s.objects()) {
        std::string schema = tree::string_value(obj);
        for (auto it = c_.tables_.begin(); it != c_.tables_.end();)
          it = it->second.schema == schema ? c_.tables_.erase(it) : std::next(it);
        for (auto it = c_.indexes_.begin(); it != c_.indexes_.end();)
          it = it->first.rfind(schema + ".", 0) == 0 ? c_.indexes_.erase(it) : std::next(it);
      }
    }
  }

  void set_schema(const pg_query::AlterObjectSchemaStmt& s) {
    if (s.object_type() != pg_query::OBJECT_TABLE) return;
    std::string from = table_key(s.relation());
    auto node = c_.tables_.extract(from);
    if (node.empty()) return;
    node.mapped().schema = s.newschema();
    node.key() = node.mapped().qualified();
    std::string to = node.key();
    for (auto& [k, ix] : c_.indexes_)
      if (ix.table == from) ix.table = to;
    c_.tables_.insert(std::move(node));
  }

  Catalog& c_;
  SourceRef where_;
};

void Catalog::apply(const pg_query::Node& stmt, const SourceRef& where) { CatalogReplayer(*this, where).apply(stmt); }

}  // namespace pgsafe
