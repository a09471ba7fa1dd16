#include "analyzer/schema_dump.h"

namespace pgsafe {

namespace {

std::string type_sql(const ColumnType& t) { return t.display.empty() ? t.name : t.display; }

std::string cols_sql(const std::vector<std::string>& cols) {
  std::string out;
  for (const auto& c : cols) out += (out.empty() ? "" : ", ") + quote_ident(c);
  return out;
}

nlohmann::json source_json(const SourceRef& s) {
  if (s.file < 0) return nullptr;
  return {{"file", s.file}, {"offset", s.begin}};
}

}  // namespace

std::string constraint_sql(const Constraint& k) {
  switch (k.kind) {
    case ConstraintKind::PrimaryKey: return "PRIMARY KEY (" + cols_sql(k.columns) + ")";
    case ConstraintKind::Unique: return "UNIQUE (" + cols_sql(k.columns) + ")";
    case ConstraintKind::Check: return "CHECK (" + k.expr + ")";
    case ConstraintKind::Exclusion: return "EXCLUDE (" + cols_sql(k.columns) + ")";
    case ConstraintKind::NotNull: return "NOT NULL";
    case ConstraintKind::ForeignKey: {
      std::string s = "FOREIGN KEY (" + cols_sql(k.columns) + ") REFERENCES " + quote_qualified(k.ref_table);
      if (!k.ref_columns.empty()) s += " (" + cols_sql(k.ref_columns) + ")";
      if (!k.on_delete.empty()) s += " ON DELETE " + k.on_delete;
      if (!k.on_update.empty()) s += " ON UPDATE " + k.on_update;
      return s;
    }
  }
  return {};
}

std::string column_sql(const Column& col) {
  std::string out = quote_ident(col.name) + " " + (col.type_known ? type_sql(col.type) : "unknown");
  if (!col.collation.empty()) out += " COLLATE " + col.collation;
  if (col.identity) out += " GENERATED " + col.identity_kind + " AS IDENTITY";
  else if (col.generated) out += " GENERATED ALWAYS AS (" + col.generated_expr + ") STORED";
  else if (col.has_default && !col.default_expr.empty()) out += " DEFAULT " + col.default_expr;
  if (col.not_null) out += " NOT NULL";
  return out;
}

std::string policy_sql(const std::string& table, const Policy& p) {
  std::string out = "CREATE POLICY " + quote_ident(p.name) + " ON " + quote_qualified(table) +
                    (p.permissive ? "" : " AS RESTRICTIVE") + " FOR " + p.command + " TO ";
  for (size_t i = 0; i < p.roles.size(); ++i)
    out += (i ? ", " : "") + (p.roles[i] == "public" ? std::string("PUBLIC") : quote_ident(p.roles[i]));
  if (!p.using_expr.empty()) out += " USING (" + p.using_expr + ")";
  if (!p.check_expr.empty()) out += " WITH CHECK (" + p.check_expr + ")";
  return out + ";";
}

std::string index_sql(const Index& ix, bool concurrently) {
  std::string out = std::string("CREATE ") + (ix.unique ? "UNIQUE " : "") + "INDEX " +
                    (concurrently ? "CONCURRENTLY " : "") + quote_ident(ix.short_name()) + " ON " +
                    quote_qualified(ix.table) + (ix.method != "btree" ? " USING " + ix.method : "") + " (";
  for (size_t i = 0; i < ix.keys.size(); ++i) out += (i ? ", " : "") + ix.keys[i];
  out += ")";
  if (!ix.include.empty()) out += " INCLUDE (" + cols_sql(ix.include) + ")";
  if (ix.partial) out += " WHERE " + ix.predicate;
  return out + ";";
}

nlohmann::json schema_to_json(const Catalog& c) {
  nlohmann::json j;
  j["version"] = 1;
  j["schemas"] = nlohmann::json::array();
  for (const auto& [n, s] : c.schemas()) j["schemas"].push_back(n);
  j["extensions"] = nlohmann::json::array();
  for (const auto& [n, e] : c.extensions())
    j["extensions"].push_back({{"name", n}, {"schema", e.schema.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.schema)}});
  j["types"] = nlohmann::json::array();
  for (const auto& [n, t] : c.types()) {
    nlohmann::json jt{{"name", n}};
    jt["kind"] = t.kind == UserTypeKind::Enum ? "enum" : t.kind == UserTypeKind::Domain ? "domain"
                 : t.kind == UserTypeKind::Composite ? "composite" : "other";
    if (t.kind == UserTypeKind::Enum) jt["labels"] = t.labels;
    if (t.kind == UserTypeKind::Domain) {
      jt["base"] = type_sql(t.base);
      jt["not_null"] = t.not_null;
      jt["checks"] = t.checks;
    }
    if (t.kind == UserTypeKind::Composite) {
      jt["attributes"] = nlohmann::json::array();
      for (const auto& a : t.attributes) jt["attributes"].push_back({{"name", a.name}, {"type", type_sql(a.type)}});
    }
    j["types"].push_back(std::move(jt));
  }
  j["tables"] = nlohmann::json::array();
  for (const auto& [n, t] : c.tables()) {
    nlohmann::json jt{{"name", n}, {"known", t.known}, {"columns_known", t.columns_known}, {"partitioned", t.partitioned},
                      {"unlogged", t.unlogged}, {"rls_enabled", t.rls_enabled}, {"rls_forced", t.rls_forced},
                      {"rls_known", t.rls_known}, {"created", source_json(t.created)}};
    if (!t.partition_of.empty()) jt["partition_of"] = t.partition_of;
    if (!t.inherits.empty()) jt["inherits"] = t.inherits;
    jt["columns"] = nlohmann::json::array();
    for (const auto& col : t.columns) {
      nlohmann::json jc{{"name", col.name}, {"type", col.type_known ? nlohmann::json(type_sql(col.type)) : nlohmann::json(nullptr)},
                        {"not_null", col.not_null}};
      if (col.has_default) jc["default"] = col.default_expr;
      if (col.identity) jc["identity"] = col.identity_kind;
      if (col.generated) jc["generated"] = col.generated_expr;
      if (!col.collation.empty()) jc["collation"] = col.collation;
      jt["columns"].push_back(std::move(jc));
    }
    jt["constraints"] = nlohmann::json::array();
    for (const auto& k : t.constraints) {
      nlohmann::json jk{{"name", k.name}, {"kind", std::string(to_string(k.kind))}, {"columns", k.columns}, {"validated", k.validated}};
      if (k.kind == ConstraintKind::ForeignKey) {
        jk["references"] = k.ref_table;
        jk["ref_columns"] = k.ref_columns;
      }
      if (!k.expr.empty()) jk["expression"] = k.expr;
      jt["constraints"].push_back(std::move(jk));
    }
    jt["policies"] = nlohmann::json::array();
    for (const auto& p : t.policies) {
      nlohmann::json jp{{"name", p.name}, {"command", p.command}, {"permissive", p.permissive}, {"roles", p.roles}};
      if (!p.using_expr.empty()) jp["using"] = p.using_expr;
      if (!p.check_expr.empty()) jp["with_check"] = p.check_expr;
      jt["policies"].push_back(std::move(jp));
    }
    jt["grants"] = nlohmann::json::object();
    for (const auto& [role, privs] : t.grants) jt["grants"][role] = std::vector<std::string>(privs.begin(), privs.end());
    j["tables"].push_back(std::move(jt));
  }
  j["indexes"] = nlohmann::json::array();
  for (const auto& [n, ix] : c.indexes()) {
    nlohmann::json ji{{"name", n}, {"table", ix.table}, {"keys", ix.keys}, {"unique", ix.unique}, {"primary", ix.primary},
                      {"method", ix.method}, {"valid", ix.valid}};
    if (ix.partial) ji["where"] = ix.predicate;
    if (!ix.include.empty()) ji["include"] = ix.include;
    if (!ix.constraint.empty()) ji["constraint"] = ix.constraint;
    j["indexes"].push_back(std::move(ji));
  }
  j["views"] = nlohmann::json::array();
  for (const auto& [n, v] : c.views())
    j["views"].push_back({{"name", n}, {"materialized", v.materialized}, {"security_invoker", v.security_invoker},
                          {"security_barrier", v.security_barrier}, {"columns", v.columns}});
  j["functions"] = nlohmann::json::array();
  for (const auto& [n, f] : c.functions()) {
    nlohmann::json jf{{"signature", n}, {"kind", f.procedure ? "procedure" : "function"}, {"security_definer", f.security_definer},
                      {"language", f.language}, {"volatility", f.volatility}};
    jf["search_path"] = f.sets_search_path ? nlohmann::json(f.search_path) : nlohmann::json(nullptr);
    if (!f.returns.empty()) jf["returns"] = f.returns;
    j["functions"].push_back(std::move(jf));
  }
  return j;
}

void write_schema_sql(std::ostream& out, const Catalog& c) {
  out << "-- Schema as pgsafe's catalog knows it at the end of the migration set.\n"
         "-- Objects the set only altered (created elsewhere) appear as comments.\n";
  for (const auto& [n, s] : c.schemas()) out << "CREATE SCHEMA " << quote_ident(n) << ";\n";
  for (const auto& [n, e] : c.extensions())
    out << "CREATE EXTENSION IF NOT EXISTS " << quote_ident(n) << (e.schema.empty() ? "" : " WITH SCHEMA " + quote_ident(e.schema))
        << ";\n";
  for (const auto& [n, t] : c.types()) {
    if (t.kind == UserTypeKind::Enum) {
      out << "CREATE TYPE " << quote_qualified(n) << " AS ENUM (";
      for (size_t i = 0; i < t.labels.size(); ++i) {
        std::string l;
        for (char ch : t.labels[i]) l += ch == '\'' ? std::string("''") : std::string(1, ch);
        out << (i ? ", " : "") << "'" << l << "'";
      }
      out << ");\n";
    } else if (t.kind == UserTypeKind::Domain) {
      out << "CREATE DOMAIN " << quote_qualified(n) << " AS " << type_sql(t.base) << (t.not_null ? " NOT NULL" : "");
      for (const auto& ch : t.checks) out << " CHECK (" << ch << ")";
      out << ";\n";
    } else if (t.kind == UserTypeKind::Composite) {
      out << "CREATE TYPE " << quote_qualified(n) << " AS (";
      for (size_t i = 0; i < t.attributes.size(); ++i)
        out << (i ? ", " : "") << quote_ident(t.attributes[i].name) << " " << type_sql(t.attributes[i].type);
      out << ");\n";
    } else {
      out << "-- type " << n << " (definition not modelled)\n";
    }
  }
  for (const auto& [n, t] : c.tables()) {
    std::string name = quote_qualified(n);
    if (!t.known) {
      out << "-- table " << n << " is defined outside the migration set; the set changes:\n";
      for (const auto& col : t.columns) out << "--   column " << col.name << " " << type_sql(col.type) << "\n";
    } else {
      out << "CREATE " << (t.unlogged ? "UNLOGGED " : "") << "TABLE " << name << " (";
      bool first = true;
      for (const auto& col : t.columns) {
        out << (first ? "\n  " : ",\n  ") << column_sql(col);
        first = false;
      }
      for (const auto& k : t.constraints) {
        out << (first ? "\n  " : ",\n  ") << "CONSTRAINT " << quote_ident(k.name) << " " << constraint_sql(k);
        first = false;
      }
      out << "\n)";
      if (!t.partition_of.empty()) out << " /* partition of " << t.partition_of << " */";
      out << ";\n";
      if (!t.columns_known) out << "-- (some columns of " << n << " come from a source pgsafe cannot see)\n";
    }
    for (const auto& k : t.constraints)
      if (!k.validated) out << "-- constraint " << k.name << " is NOT VALID\n";
    if (t.rls_enabled) out << "ALTER TABLE " << name << " ENABLE ROW LEVEL SECURITY;\n";
    if (t.rls_forced) out << "ALTER TABLE " << name << " FORCE ROW LEVEL SECURITY;\n";
    for (const auto& p : t.policies) out << policy_sql(n, p) << "\n";
    for (const auto& [role, privs] : t.grants) {
      out << "GRANT ";
      bool first = true;
      for (const auto& p : privs) {
        out << (first ? "" : ", ") << p;
        first = false;
      }
      out << " ON " << name << " TO " << (role == "public" ? "PUBLIC" : quote_ident(role)) << ";\n";
    }
  }
  for (const auto& [n, ix] : c.indexes()) {
    if (!ix.constraint.empty()) continue;  // created by its constraint
    std::string sql = index_sql(ix, false);
    out << sql.substr(0, sql.size() - 1);
    out << ";" << (ix.valid ? "" : " -- invalid") << "\n";
  }
  for (const auto& [n, v] : c.views()) {
    out << "-- " << (v.materialized ? "materialized view " : "view ") << n;
    if (!v.columns.empty()) {
      out << " (";
      for (size_t i = 0; i < v.columns.size(); ++i) out << (i ? ", " : "") << v.columns[i];
      out << ")";
    }
    if (v.security_invoker) out << " WITH (security_invoker = true)";
    out << "; its query is not modelled\n";
  }
  for (const auto& [n, f] : c.functions()) {
    out << "-- " << (f.procedure ? "procedure " : "function ") << n;
    if (!f.returns.empty()) out << " RETURNS " << f.returns;
    if (!f.language.empty()) out << " LANGUAGE " << f.language;
    if (f.volatility != "volatile") out << " " << f.volatility;
    if (f.security_definer) out << " SECURITY DEFINER";
    if (f.sets_search_path) out << " SET search_path = " << f.search_path;
    out << "; its body is not modelled\n";
  }
}

}  // namespace pgsafe
