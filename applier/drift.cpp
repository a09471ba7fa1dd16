// Drift: the database's pg_catalog read with a fixed handful of queries, compared object by
// object with the catalog replayed from the applied migrations.
#include "applier/drift.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <set>
#include <sstream>

#include "analyzer/exposure.h"
#include "analyzer/plan.h"
#include "applier/drift_expr.h"

namespace pgsafe::applier {

namespace {

constexpr char kSep = '\x1f';  // joins lists in query results (names may hold commas)

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(kSep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string qq(const std::string& qualified) { return pgsafe::quote_qualified(qualified); }
std::string qi(const std::string& id) { return pgsafe::quote_ident(id); }
std::string ql(const std::string& s) { return pgsafe::quote_literal(s); }

// --------------------------------------------------------------------------- the database

struct DbColumn {
  std::string name, type, default_expr;
  bool not_null = false;
  char identity = 0, generated = 0;
};

struct DbConstraint {
  std::string name;
  char type = 0;
  std::vector<std::string> columns, ref_columns;
  std::string def, ref_table, check_expr;
  bool validated = true, deferrable = false;
  char on_delete = 'a', on_update = 'a';
};

struct DbIndex {
  std::string name;  // schema.name
  std::string table;
  bool unique = false, primary = false, valid = true, constraint_owned = false;
  std::string predicate, method, def;
  std::vector<std::string> keys, include;
};

struct DbPolicy {
  std::string name, command, using_expr, check_expr;
  bool permissive = true;
  std::vector<std::string> roles;
};

struct DbTable {
  std::string schema, name;
  char kind = 'r';
  bool rls = false, force = false;
  bool security_invoker = false;
  std::string view_def;
  std::vector<DbColumn> columns;
  std::vector<DbConstraint> constraints;
  std::vector<DbPolicy> policies;
  std::map<std::string, std::set<std::string>> grants;  // interesting roles only
  std::string qualified() const { return schema + "." + name; }
  const DbColumn* column(const std::string& n) const {
    for (const auto& c : columns)
      if (c.name == n) return &c;
    return nullptr;
  }
};

struct DbFunction {
  std::string schema, name, oid, identity_args, language;
  char kind = 'f', volatility = 'v';
  bool security_definer = false;
  std::vector<std::string> arg_types, config;
  std::string key;  // schema.name(type_key, ...)
};

struct DbType {
  std::string schema, name;
  char kind = 0;
  std::vector<std::string> labels;
};

struct Db {
  std::map<std::string, DbTable> relations;    // tables, views, matviews by schema.name
  std::map<std::string, DbIndex> indexes;      // by schema.name
  std::map<std::string, DbFunction> functions; // by key
  std::map<std::string, DbType> types;
  std::map<std::string, std::string> extensions;  // name -> schema
  std::set<std::string> schemas, roles;
  std::set<std::pair<std::string, std::string>> default_acl_roles;  // (schema or "", role)
};

std::string array_literal(const std::set<std::string>& items) {
  std::string out = "{";
  bool first = true;
  for (const auto& s : items) {
    out += first ? "\"" : ",\"";
    first = false;
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += "\"";
  }
  return out + "}";
}

bool truthy_option(const std::string& v) { return v == "true" || v == "on" || v == "1" || v == "yes" || v == "t"; }

// Extension members (pg_depend deptype 'e') are the extension's, not the migrations'.
std::string not_extension_member(const char* catalog, const char* oid) {
  return std::string("NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '") + catalog +
         "'::regclass AND d.objid = " + oid + " AND d.deptype = 'e')";
}

bool run(Connection& conn, const std::string& sql, const std::vector<std::optional<std::string>>& params, Result& out,
         std::string& error) {
  PgError e;
  out = conn.exec_params(sql, params, &e);
  if (!out) {
    error = "cannot read the database catalog: " + e.message;
    return false;
  }
  return true;
}

bool read_db(Connection& conn, const std::set<std::string>& schemas, const std::set<std::string>& interesting_roles,
             Db& db, std::string& error) {
  std::string scope = array_literal(schemas);
  Result r;
  // Schemas, roles and default privileges.
  if (!run(conn,
           "SELECT 's', nspname, NULL FROM pg_namespace UNION ALL SELECT 'r', rolname, NULL FROM pg_roles WHERE rolname = "
           "ANY($1::text[]) UNION ALL SELECT 'd', coalesce(n.nspname, ''), pg_get_userbyid(a.grantee) FROM pg_default_acl "
           "da LEFT JOIN pg_namespace n ON n.oid = da.defaclnamespace, aclexplode(da.defaclacl) a WHERE da.defaclobjtype = "
           "'r' UNION ALL SELECT 'e', e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = "
           "e.extnamespace",
           {array_literal(interesting_roles)}, r, error))
    return false;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    std::string k = field(r.get(), i, 0), a = field(r.get(), i, 1), b = field(r.get(), i, 2);
    if (k == "s") db.schemas.insert(a);
    else if (k == "r") db.roles.insert(a);
    else if (k == "d") db.default_acl_roles.insert({a, b});
    else if (k == "e") db.extensions[a] = b;
  }

  std::map<std::string, std::string> by_oid;  // relation oid -> schema.name
  if (!run(conn,
           "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity, "
           "coalesce(array_to_string(c.reloptions, '\x1f'), ''), "
           "CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END, "
           "(SELECT string_agg(CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END || ':' || "
           "lower(a.privilege_type), '\x1f') FROM aclexplode(c.relacl) a) "
           "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " +
               not_extension_member("pg_class", "c.oid"),
           {scope}, r, error))
    return false;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    DbTable t;
    t.schema = field(r.get(), i, 1);
    t.name = field(r.get(), i, 2);
    t.kind = field(r.get(), i, 3)[0];
    t.rls = field(r.get(), i, 4) == "t";
    t.force = field(r.get(), i, 5) == "t";
    for (const auto& o : split_list(field(r.get(), i, 6))) {
      auto eq = o.find('=');
      if (eq != std::string::npos && o.substr(0, eq) == "security_invoker") t.security_invoker = truthy_option(o.substr(eq + 1));
    }
    t.view_def = field(r.get(), i, 7);
    for (const auto& g : split_list(field(r.get(), i, 8))) {
      auto colon = g.rfind(':');
      std::string role = g.substr(0, colon);
      if (interesting_roles.count(role)) t.grants[role].insert(g.substr(colon + 1));
    }
    by_oid[field(r.get(), i, 0)] = t.qualified();
    db.relations[t.qualified()] = std::move(t);
  }

  if (!run(conn,
           "SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
           "pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated "
           "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
           "LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
           "WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped "
           "ORDER BY a.attrelid, a.attnum",
           {scope}, r, error))
    return false;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    auto it = by_oid.find(field(r.get(), i, 0));
    if (it == by_oid.end()) continue;
    DbColumn c;
    c.name = field(r.get(), i, 1);
    c.type = field(r.get(), i, 2);
    c.not_null = field(r.get(), i, 3) == "t";
    c.default_expr = field(r.get(), i, 4);
    std::string id = field(r.get(), i, 5), gen = field(r.get(), i, 6);
    c.identity = id.empty() ? 0 : id[0];
    c.generated = gen.empty() ? 0 : gen[0];
    db.relations[it->second].columns.push_back(std::move(c));
  }

  // Constraints; those a partition inherits from its parent's are the parent's.
  if (!run(conn,
           "SELECT con.conrelid, con.conname, con.contype, "
           "(SELECT string_agg(a.attname, '\x1f' ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY k(n, i) "
           " JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n), "
           "pg_get_constraintdef(con.oid), con.convalidated, "
           "(SELECT n2.nspname || '.' || c2.relname FROM pg_class c2 JOIN pg_namespace n2 ON n2.oid = c2.relnamespace "
           " WHERE c2.oid = con.confrelid), "
           "(SELECT string_agg(a.attname, '\x1f' ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY k(n, i) "
           " JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n), "
           "con.confdeltype, con.confupdtype, con.condeferrable, "
           "CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END "
           "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = ANY($1::text[]) AND con.contype IN ('p', 'f', 'u', 'c', 'x') AND con.conparentid = 0 "
           "ORDER BY con.conrelid, con.conname",
           {scope}, r, error))
    return false;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    auto it = by_oid.find(field(r.get(), i, 0));
    if (it == by_oid.end()) continue;
    DbConstraint k;
    k.name = field(r.get(), i, 1);
    k.type = field(r.get(), i, 2)[0];
    k.columns = split_list(field(r.get(), i, 3));
    k.def = field(r.get(), i, 4);
    k.validated = field(r.get(), i, 5) == "t";
    k.ref_table = field(r.get(), i, 6);
    k.ref_columns = split_list(field(r.get(), i, 7));
    std::string del = field(r.get(), i, 8), upd = field(r.get(), i, 9);
    k.on_delete = del.empty() ? 'a' : del[0];
    k.on_update = upd.empty() ? 'a' : upd[0];
    k.deferrable = field(r.get(), i, 10) == "t";
    k.check_expr = field(r.get(), i, 11);
    db.relations[it->second].constraints.push_back(std::move(k));
  }

  // Indexes; a partition's copy of its parent's index is the parent's.
  if (!run(conn,
           "SELECT i.indrelid, n.nspname, ic.relname, i.indisunique, i.indisprimary, i.indisvalid, "
           "pg_get_expr(i.indpred, i.indrelid), am.amname, "
           "(SELECT string_agg(pg_get_indexdef(i.indexrelid, k, true), '\x1f' ORDER BY k) "
           " FROM generate_series(1, i.indnkeyatts) k), "
           "(SELECT string_agg(pg_get_indexdef(i.indexrelid, k, true), '\x1f' ORDER BY k) "
           " FROM generate_series(i.indnkeyatts + 1, i.indnatts) k), "
           "pg_get_indexdef(i.indexrelid), "
           "EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid "
           " AND con.contype IN ('p', 'u', 'x')) "
           "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace "
           "JOIN pg_am am ON am.oid = ic.relam "
           "WHERE n.nspname = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = i.indexrelid) "
           "AND " + not_extension_member("pg_class", "i.indrelid"),
           {scope}, r, error))
    return false;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    auto it = by_oid.find(field(r.get(), i, 0));
    if (it == by_oid.end()) continue;
    DbIndex ix;
    ix.table = it->second;
    ix.name = field(r.get(), i, 1) + "." + field(r.get(), i, 2);
    ix.unique = field(r.get(), i, 3) == "t";
    ix.primary = field(r.get(), i, 4) == "t";
    ix.valid = field(r.get(), i, 5) == "t";
    ix.predicate = field(r.get(), i, 6);
    ix.method = field(r.get(), i, 7);
    ix.keys = split_list(field(r.get(), i, 8));
    ix.include = split_list(field(r.get(), i, 9));
    ix.def = field(r.get(), i, 10);
    ix.constraint_owned = field(r.get(), i, 11) == "t";
    db.indexes[ix.name] = std::move(ix);
  }

  if (!run(conn,
           "SELECT p.polrelid, p.polname, p.polcmd, p.polpermissive, "
           "CASE WHEN p.polroles = '{0}' THEN 'public' ELSE (SELECT string_agg(CASE WHEN x = 0 THEN 'public' ELSE "
           " pg_get_userbyid(x) END, '\x1f' ORDER BY 1) FROM unnest(p.polroles) x) END, "
           "pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid) "
           "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = ANY($1::text[]) ORDER BY p.polrelid, p.polname",
           {scope}, r, error))
    return false;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    auto it = by_oid.find(field(r.get(), i, 0));
    if (it == by_oid.end()) continue;
    DbPolicy p;
    p.name = field(r.get(), i, 1);
    std::string cmd = field(r.get(), i, 2);
    p.command = cmd == "r" ? "select" : cmd == "a" ? "insert" : cmd == "w" ? "update" : cmd == "d" ? "delete" : "all";
    p.permissive = field(r.get(), i, 3) == "t";
    p.roles = split_list(field(r.get(), i, 4));
    std::sort(p.roles.begin(), p.roles.end());
    p.using_expr = field(r.get(), i, 5);
    p.check_expr = field(r.get(), i, 6);
    db.relations[it->second].policies.push_back(std::move(p));
  }

  if (!run(conn,
           "SELECT p.oid, n.nspname, p.proname, p.prokind, p.prosecdef, p.provolatile, "
           "(SELECT string_agg(format_type(t, NULL), '\x1f' ORDER BY o) FROM unnest(p.proargtypes::oid[]) WITH "
           " ORDINALITY u(t, o)), "
           "array_to_string(p.proconfig, '\x1f'), l.lanname, pg_get_function_identity_arguments(p.oid) "
           "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang "
           "WHERE n.nspname = ANY($1::text[]) AND p.prokind IN ('f', 'p') AND " +
               not_extension_member("pg_proc", "p.oid"),
           {scope}, r, error))
    return false;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    DbFunction f;
    f.oid = field(r.get(), i, 0);
    f.schema = field(r.get(), i, 1);
    f.name = field(r.get(), i, 2);
    f.kind = field(r.get(), i, 3)[0];
    f.security_definer = field(r.get(), i, 4) == "t";
    f.volatility = field(r.get(), i, 5)[0];
    f.arg_types = split_list(field(r.get(), i, 6));
    f.config = split_list(field(r.get(), i, 7));
    f.language = field(r.get(), i, 8);
    f.identity_args = field(r.get(), i, 9);
    f.key = f.schema + "." + f.name + "(";
    for (size_t a = 0; a < f.arg_types.size(); ++a) {
      auto t = parse_type(f.arg_types[a]);
      f.key += (a ? ", " : "") + (t ? type_key(*t) : f.arg_types[a]);
    }
    f.key += ")";
    db.functions[f.key] = std::move(f);
  }

  if (!run(conn,
           "SELECT n.nspname, t.typname, t.typtype, "
           "(SELECT string_agg(e.enumlabel, '\x1f' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) "
           "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
           "WHERE n.nspname = ANY($1::text[]) AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND EXISTS "
           " (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))) AND " +
               not_extension_member("pg_type", "t.oid"),
           {scope}, r, error))
    return false;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    DbType t;
    t.schema = field(r.get(), i, 0);
    t.name = field(r.get(), i, 1);
    t.kind = field(r.get(), i, 2)[0];
    t.labels = split_list(field(r.get(), i, 3));
    db.types[t.schema + "." + t.name] = std::move(t);
  }
  return true;
}

// pg_get_functiondef for the functions a fix needs, in one query.
bool function_defs(Connection& conn, const std::set<std::string>& oids, std::map<std::string, std::string>& out,
                   std::string& error) {
  if (oids.empty()) return true;
  Result r;
  if (!run(conn, "SELECT f, pg_get_functiondef(f) FROM unnest($1::oid[]) f", {array_literal(oids)}, r, error)) return false;
  for (int i = 0; i < PQntuples(r.get()); ++i) out[field(r.get(), i, 0)] = field(r.get(), i, 1);
  return true;
}

// --------------------------------------------------------------------------- comparing

std::string fk_action(char c) {
  switch (c) {
    case 'r': return "RESTRICT";
    case 'c': return "CASCADE";
    case 'n': return "SET NULL";
    case 'd': return "SET DEFAULT";
    default: return "";
  }
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

char constraint_code(ConstraintKind k) {
  switch (k) {
    case ConstraintKind::PrimaryKey: return 'p';
    case ConstraintKind::ForeignKey: return 'f';
    case ConstraintKind::Unique: return 'u';
    case ConstraintKind::Check: return 'c';
    case ConstraintKind::Exclusion: return 'x';
    default: return 'n';
  }
}

std::string constraint_kind_name(char c) {
  switch (c) {
    case 'p': return "primary key";
    case 'f': return "foreign key";
    case 'u': return "unique";
    case 'c': return "check";
    case 'x': return "exclusion";
    default: return "not null";
  }
}

// Two expressions alike? Unknown when either side cannot be parsed (the catalog's "..."):
// then nothing is said.
enum class Same { Yes, No, Unknown };
Same same_expr(const std::string& a, const std::string& b) {
  if (a.empty() && b.empty()) return Same::Yes;
  if (a.empty() != b.empty()) return Same::No;
  auto ca = canonical_expr(a), cb = canonical_expr(b);
  if (!ca || !cb) return Same::Unknown;
  return *ca == *cb ? Same::Yes : Same::No;
}

std::string normalise_search_path(std::string s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '"' && c != '\'') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string column_sql(const DbColumn& c) {
  std::string s = qi(c.name) + " " + c.type;
  if (c.generated == 's') s += " GENERATED ALWAYS AS (" + c.default_expr + ") STORED";
  else if (c.identity == 'a') s += " GENERATED ALWAYS AS IDENTITY";
  else if (c.identity == 'd') s += " GENERATED BY DEFAULT AS IDENTITY";
  else if (!c.default_expr.empty()) s += " DEFAULT " + c.default_expr;
  if (c.not_null && !c.identity) s += " NOT NULL";
  return s;
}

std::string if_not_exists_index(const std::string& def) {
  // pg_get_indexdef: "CREATE [UNIQUE] INDEX name ON ..."
  std::string out = def;
  auto p = out.find(" INDEX ");
  if (p != std::string::npos) out.insert(p + 7, "IF NOT EXISTS ");
  return out + ";";
}

std::string policy_sql(const std::string& table, const DbPolicy& p) {
  std::string s = "CREATE POLICY " + qi(p.name) + " ON " + qq(table) + (p.permissive ? "" : " AS RESTRICTIVE") +
                  " FOR " + upper(p.command);
  std::vector<std::string> roles;
  for (const auto& r : p.roles) roles.push_back(r == "public" ? "PUBLIC" : qi(r));
  s += " TO " + join(roles);
  if (!p.using_expr.empty()) s += " USING (" + p.using_expr + ")";
  if (!p.check_expr.empty()) s += " WITH CHECK (" + p.check_expr + ")";
  return s + ";";
}

std::string drop_policy_sql(const std::string& table, const std::string& name) {
  return "DROP POLICY IF EXISTS " + qi(name) + " ON " + qq(table) + ";";
}

bool migration_tool_table(const std::string& name);

class Comparer {
 public:
  Comparer(const Catalog& cat, const MigrationSet& set, const Db& db, const std::set<std::string>& owned,
           const std::set<std::string>& roles, DriftReport& out)
      : cat_(cat), set_(set), db_(db), owned_(owned), roles_(roles), out_(out) {}

  std::set<std::string> functions_needing_def;  // oids
  std::vector<std::pair<size_t, std::string>> function_fixes;  // item index -> oid

  void run() {
    extensions();
    schemas();
    types();
    tables();
    views();
    functions();
  }

 private:
  DriftItem& add(std::string kind, std::string type, std::string object, std::string table = "",
                 std::string attribute = "", std::string expected = "", std::string actual = "") {
    DriftItem d;
    d.kind = std::move(kind);
    d.object_type = std::move(type);
    d.object = std::move(object);
    d.table = std::move(table);
    d.attribute = std::move(attribute);
    d.expected = std::move(expected);
    d.actual = std::move(actual);
    out_.items.push_back(std::move(d));
    return out_.items.back();
  }
  bool owned(const std::string& schema) const { return owned_.count(schema) > 0; }

  void extensions() {
    for (const auto& [name, e] : cat_.extensions())
      if (!db_.extensions.count(name))
        add("missing", "extension", name).fix_sql = "DROP EXTENSION IF EXISTS " + qi(name) + ";";
    for (const auto& [name, schema] : db_.extensions) {
      if (cat_.extensions().count(name) || name == "plpgsql" || !owned(schema)) continue;
      add("extra", "extension", name, "", "", "", "schema " + schema).fix_sql =
          "CREATE EXTENSION IF NOT EXISTS " + qi(name) + " WITH SCHEMA " + qi(schema) + ";";
    }
  }

  void schemas() {
    for (const auto& [name, s] : cat_.schemas())
      if (!db_.schemas.count(name)) add("missing", "schema", name).fix_sql = "DROP SCHEMA IF EXISTS " + qi(name) + ";";
  }

  void types() {
    for (const auto& [key, t] : cat_.types()) {
      if (!db_.schemas.count(t.schema) || !out_schema(t.schema)) continue;
      auto it = db_.types.find(key);
      if (it == db_.types.end()) {
        add("missing", "type", key).fix_sql = "DROP TYPE IF EXISTS " + qq(key) + ";";
        continue;
      }
      if (t.kind == UserTypeKind::Enum && it->second.kind == 'e' && t.labels != it->second.labels) {
        auto& d = add("different", "type", key, "", "enum values", join(t.labels), join(it->second.labels));
        std::string sql;
        bool removed = false;
        const auto& labels = it->second.labels;
        for (size_t i = 0; i < labels.size(); ++i) {
          if (std::find(t.labels.begin(), t.labels.end(), labels[i]) != t.labels.end()) continue;
          sql += (sql.empty() ? "" : "\n") + std::string("ALTER TYPE ") + qq(key) + " ADD VALUE IF NOT EXISTS " +
                 ql(labels[i]) + (i == 0 ? (labels.size() > 1 ? " BEFORE " + ql(labels[1]) : "") : " AFTER " + ql(labels[i - 1])) +
                 ";";
        }
        for (const auto& l : t.labels)
          if (std::find(labels.begin(), labels.end(), l) == labels.end()) removed = true;
        d.fix_sql = sql;
        if (removed) d.fix_note = "values were removed or renamed in the database: an enum value cannot be dropped; decide by hand";
      }
    }
    for (const auto& [key, t] : db_.types) {
      if (cat_.types().count(key) || !owned(t.schema)) continue;
      std::string what = t.kind == 'e' ? "enum" : t.kind == 'd' ? "domain" : t.kind == 'r' ? "range" : "composite";
      auto& d = add("extra", "type", key, "", "", "", what + (t.labels.empty() ? "" : " (" + join(t.labels) + ")"));
      if (t.kind == 'e') {
        std::vector<std::string> labels;
        for (const auto& l : t.labels) labels.push_back(ql(l));
        d.fix_sql = "DO $pgsafe$ BEGIN\n  CREATE TYPE " + qq(key) + " AS ENUM (" + join(labels) +
                    ");\nEXCEPTION WHEN duplicate_object THEN NULL;\nEND $pgsafe$;";
      } else {
        d.fix_note = "write the CREATE TYPE for this " + what + " by hand";
      }
    }
  }

  bool out_schema(const std::string& schema) const { return scope_.empty() || scope_.count(schema); }

  // Grants a table should have for a role the migrations never granted to on it: the set's own
  // default privileges, else none unless the database has default privileges for the role
  // (Supabase grants the API roles everything by default): then it is not known.
  std::optional<std::set<std::string>> expected_grants(const Table& t, const std::string& role) const {
    std::set<std::string> out;
    bool defined = false;
    auto it = t.grants.find(role);
    if (it != t.grants.end()) {
      defined = true;
      for (const auto& p : it->second)
        if (p.find('(') == std::string::npos) out.insert(p);
    }
    if (!defined) {
      for (const std::string& schema : {t.schema, std::string()}) {
        auto dp = cat_.default_table_privileges().find(schema);
        if (dp != cat_.default_table_privileges().end()) {
          auto r = dp->second.find(role);
          if (r != dp->second.end()) {
            defined = true;
            out.insert(r->second.begin(), r->second.end());
          }
        }
      }
    }
    if (!defined && (db_.default_acl_roles.count({t.schema, role}) || db_.default_acl_roles.count({"", role})))
      return std::nullopt;
    return out;
  }

  void tables() {
    for (const auto& [key, t] : cat_.tables()) {
      auto it = db_.relations.find(key);
      bool in_db = it != db_.relations.end() && (it->second.kind == 'r' || it->second.kind == 'p' || it->second.kind == 'f');
      if (!in_db) {
        // A stub (a table from outside the set) that is not there, or lives in a schema not
        // compared, says nothing about drift.
        if (!t.known || !db_.schemas.count(t.schema)) continue;
        if (!scope_.count(t.schema)) continue;
        add("missing", "table", key).fix_sql = "DROP TABLE IF EXISTS " + qq(key) + ";";
        continue;
      }
      compare_table(t, it->second);
    }
    for (const auto& [key, dt] : db_.relations) {
      if (dt.kind != 'r' && dt.kind != 'p' && dt.kind != 'f') continue;
      if (cat_.find_table(key) || !owned(dt.schema) || migration_tool_table(dt.name)) continue;
      auto& d = add("extra", "table", key, key, "", "", "table");
      d.fix_sql = create_table_sql(dt);
    }
  }

  std::string create_table_sql(const DbTable& t) const {
    std::string s = "CREATE TABLE IF NOT EXISTS " + qq(t.qualified()) + " (";
    bool first = true;
    for (const auto& c : t.columns) {
      s += std::string(first ? "\n  " : ",\n  ") + column_sql(c);
      first = false;
    }
    for (const auto& k : t.constraints) {
      s += std::string(first ? "\n  " : ",\n  ") + "CONSTRAINT " + qi(k.name) + " " + k.def;
      first = false;
    }
    s += "\n);";
    for (const auto& [name, ix] : db_.indexes)
      if (ix.table == t.qualified() && !ix.constraint_owned) s += "\n" + if_not_exists_index(ix.def);
    if (t.rls) s += "\nALTER TABLE " + qq(t.qualified()) + " ENABLE ROW LEVEL SECURITY;";
    if (t.force) s += "\nALTER TABLE " + qq(t.qualified()) + " FORCE ROW LEVEL SECURITY;";
    for (const auto& p : t.policies) s += "\n" + drop_policy_sql(t.qualified(), p.name) + "\n" + policy_sql(t.qualified(), p);
    for (const auto& [role, privs] : t.grants)
      if (!privs.empty()) s += "\nGRANT " + upper(join(std::vector<std::string>(privs.begin(), privs.end()))) + " ON " +
                               qq(t.qualified()) + " TO " + (role == "public" ? "PUBLIC" : qi(role)) + ";";
    return s;
  }

  void compare_table(const Table& t, const DbTable& dt) {
    const std::string key = t.qualified();
    const std::string alter = "ALTER TABLE " + qq(key) + " ";
    std::set<std::string> pk_columns;
    if (const Constraint* pk = t.primary_key()) pk_columns.insert(pk->columns.begin(), pk->columns.end());

    // Columns.
    for (const auto& c : t.columns) {
      const DbColumn* dc = dt.column(c.name);
      std::string attr = "column " + c.name;
      if (!dc) {
        add("missing", "column", key, key, attr).fix_sql = alter + "DROP COLUMN IF EXISTS " + qi(c.name) + ";";
        continue;
      }
      if (c.type_known) {
        auto db_type = parse_type(dc->type);
        ColumnType expected = c.type;
        if (db_type && !same_type(expected, *db_type)) {
          add("different", "column", key, key, attr + ": type", c.type.display.empty() ? c.type.name : c.type.display, dc->type)
              .fix_sql = alter + "ALTER COLUMN " + qi(c.name) + " TYPE " + dc->type + ";";
        }
      }
      bool expected_not_null = c.not_null || c.identity || pk_columns.count(c.name);
      if (expected_not_null != dc->not_null && t.columns_known) {
        add("different", "column", key, key, attr + ": nullability", expected_not_null ? "NOT NULL" : "nullable",
            dc->not_null ? "NOT NULL" : "nullable")
            .fix_sql = alter + "ALTER COLUMN " + qi(c.name) + (dc->not_null ? " SET NOT NULL;" : " DROP NOT NULL;");
      }
      // Identity and generated columns.
      bool db_identity = dc->identity != 0, db_generated = dc->generated != 0;
      if (c.identity != db_identity) {
        auto& d = add("different", "column", key, key, attr + ": identity", c.identity ? "identity " + c.identity_kind : "none",
                      db_identity ? std::string("identity ") + (dc->identity == 'a' ? "ALWAYS" : "BY DEFAULT") : "none");
        if (db_identity && !c.identity)
          d.fix_sql = "-- identity columns: no IF NOT EXISTS form; run once if the files lack it\n-- " + alter +
                      "ALTER COLUMN " + qi(c.name) + " ADD GENERATED " + (dc->identity == 'a' ? "ALWAYS" : "BY DEFAULT") +
                      " AS IDENTITY;";
        else d.fix_sql = alter + "ALTER COLUMN " + qi(c.name) + " DROP IDENTITY IF EXISTS;";
      } else if (c.identity && db_identity) {
        std::string db_kind = dc->identity == 'a' ? "ALWAYS" : "BY DEFAULT";
        if (!c.identity_kind.empty() && c.identity_kind != db_kind)
          add("different", "column", key, key, attr + ": identity", c.identity_kind, db_kind).fix_sql =
              alter + "ALTER COLUMN " + qi(c.name) + " SET GENERATED " + db_kind + ";";
      }
      if (c.generated != db_generated) {
        add("different", "column", key, key, attr + ": generated", c.generated ? c.generated_expr : "no",
            db_generated ? dc->default_expr : "no")
            .fix_note = "a column cannot be made generated (or not) in place: decide by hand";
      } else if (c.generated && db_generated && !c.generated_expr.empty()) {
        if (same_expr(c.generated_expr, dc->default_expr) == Same::No)
          add("different", "column", key, key, attr + ": generated expression", c.generated_expr, dc->default_expr)
              .fix_note = "a generated expression cannot be changed in place before PostgreSQL 17: decide by hand";
      }
      // Defaults (identity and generated columns have none of their own).
      if (!c.identity && !db_identity && !c.generated && !db_generated) {
        bool expected_has = c.has_default;
        if (expected_has && c.default_expr.empty()) continue;  // not renderable: unknown
        Same s = same_expr(expected_has ? c.default_expr : "", dc->default_expr);
        if (s == Same::No)
          add("different", "column", key, key, attr + ": default", expected_has ? c.default_expr : "none",
              dc->default_expr.empty() ? "none" : dc->default_expr)
              .fix_sql = alter + "ALTER COLUMN " + qi(c.name) +
                         (dc->default_expr.empty() ? " DROP DEFAULT;" : " SET DEFAULT " + dc->default_expr + ";");
      }
    }
    if (t.columns_known && t.known) {
      for (const auto& dc : dt.columns) {
        if (t.find_column(dc.name)) continue;
        add("extra", "column", key, key, "column " + dc.name, "", dc.type).fix_sql =
            alter + "ADD COLUMN IF NOT EXISTS " + column_sql(dc) + ";";
      }
    }

    // Constraints (NOT NULL is the columns' business in PostgreSQL 15).
    std::set<std::string> matched;
    for (const auto& k : t.constraints) {
      if (k.kind == ConstraintKind::NotNull) continue;
      const DbConstraint* dk = nullptr;
      for (const auto& x : dt.constraints)
        if (x.name == k.name) dk = &x;
      if (!dk && k.name.empty()) {
        for (const auto& x : dt.constraints)
          if (x.type == constraint_code(k.kind) && x.columns == k.columns && !matched.count(x.name)) dk = &x;
      }
      std::string obj = "constraint " + k.name;
      if (!dk) {
        // A constraint on a table from outside the set may have been named there differently.
        if (!t.known && k.name.empty()) continue;
        add("missing", "constraint", key, key, obj, std::string(to_string(k.kind)))
            .fix_sql = alter + "DROP CONSTRAINT IF EXISTS " + qi(k.name) + ";";
        continue;
      }
      matched.insert(dk->name);
      std::vector<std::string> diffs;
      if (dk->type != constraint_code(k.kind)) diffs.push_back("kind " + constraint_kind_name(constraint_code(k.kind)) + " vs " + constraint_kind_name(dk->type));
      if (!k.columns.empty() && k.kind != ConstraintKind::Check && k.columns != dk->columns)
        diffs.push_back("columns (" + join(k.columns) + ") vs (" + join(dk->columns) + ")");
      if (k.validated != dk->validated)
        diffs.push_back(std::string("validity ") + (k.validated ? "valid" : "NOT VALID") + " vs " + (dk->validated ? "valid" : "NOT VALID"));
      if (k.kind == ConstraintKind::Check && same(k.expr, k.source, dk->check_expr) == Same::No)
        diffs.push_back("definition CHECK (" + k.expr + ") vs CHECK (" + dk->check_expr + ")");
      if (k.kind == ConstraintKind::ForeignKey) {
        std::string ref = k.ref_table;
        if (!ref.empty() && ref != dk->ref_table) diffs.push_back("references " + ref + " vs " + dk->ref_table);
        if (!k.ref_columns.empty() && k.ref_columns != dk->ref_columns)
          diffs.push_back("referenced columns (" + join(k.ref_columns) + ") vs (" + join(dk->ref_columns) + ")");
        if (upper(k.on_delete) != fk_action(dk->on_delete) && !(upper(k.on_delete) == "NO ACTION" && dk->on_delete == 'a'))
          diffs.push_back("ON DELETE " + (k.on_delete.empty() ? "NO ACTION" : k.on_delete) + " vs " +
                          (fk_action(dk->on_delete).empty() ? "NO ACTION" : fk_action(dk->on_delete)));
        if (upper(k.on_update) != fk_action(dk->on_update) && !(upper(k.on_update) == "NO ACTION" && dk->on_update == 'a'))
          diffs.push_back("ON UPDATE " + (k.on_update.empty() ? "NO ACTION" : k.on_update) + " vs " +
                          (fk_action(dk->on_update).empty() ? "NO ACTION" : fk_action(dk->on_update)));
      }
      for (const auto& what : diffs) {
        auto& d = add("different", "constraint", key, key, obj + ": " + what.substr(0, what.find(' ')),
                      what.substr(what.find(' ') + 1, what.find(" vs ") - what.find(' ') - 1), what.substr(what.find(" vs ") + 4));
        if (what.rfind("validity", 0) == 0 && dk->validated)
          d.fix_sql = alter + "VALIDATE CONSTRAINT " + qi(dk->name) + ";";
        else
          d.fix_sql = alter + "DROP CONSTRAINT IF EXISTS " + qi(dk->name) + ";\n" + alter + "ADD CONSTRAINT " + qi(dk->name) + " " +
                      dk->def + ";";
      }
    }
    if (t.known) {
      for (const auto& dk : dt.constraints) {
        if (matched.count(dk.name)) continue;
        if (t.find_constraint(dk.name)) continue;
        add("extra", "constraint", key, key, "constraint " + dk.name, "", dk.def).fix_sql =
            alter + "DROP CONSTRAINT IF EXISTS " + qi(dk.name) + ";\n" + alter + "ADD CONSTRAINT " + qi(dk.name) + " " + dk.def + ";";
      }
    }

    // Indexes.
    for (const Index* ix : cat_.indexes_on(key)) {
      auto it = db_.indexes.find(ix->name);
      if (it == db_.indexes.end()) {
        // A constraint's index: the constraint's own entry says it.
        if (!ix->constraint.empty()) continue;
        add("missing", "index", ix->name, key, "index " + ix->short_name()).fix_sql = "DROP INDEX IF EXISTS " + qq(ix->name) + ";";
        continue;
      }
      const DbIndex& di = it->second;
      std::vector<std::array<std::string, 3>> diffs;
      if (ix->unique != di.unique) diffs.push_back({"uniqueness", ix->unique ? "unique" : "not unique", di.unique ? "unique" : "not unique"});
      if (!ix->method.empty() && ix->method != di.method) diffs.push_back({"method", ix->method, di.method});
      if (ix->keys.size() != di.keys.size()) {
        diffs.push_back({"keys", join(ix->keys), join(di.keys)});
      } else {
        for (size_t i = 0; i < ix->keys.size(); ++i)
          if (same(ix->keys[i], ix->source, di.keys[i]) == Same::No) {
            diffs.push_back({"keys", join(ix->keys), join(di.keys)});
            break;
          }
      }
      if (same(ix->predicate, ix->source, di.predicate) == Same::No)
        diffs.push_back({"predicate", ix->predicate.empty() ? "none" : ix->predicate, di.predicate.empty() ? "none" : di.predicate});
      if (ix->include != di.include && !ix->include.empty()) diffs.push_back({"include", join(ix->include), join(di.include)});
      for (const auto& [what, a, b] : diffs) {
        auto& d = add("different", "index", ix->name, key, "index " + ix->short_name() + ": " + what, a, b);
        if (di.constraint_owned) d.fix_note = "the index belongs to a constraint: see the constraint";
        else d.fix_sql = "DROP INDEX IF EXISTS " + qq(ix->name) + ";\n" + if_not_exists_index(di.def);
      }
      if (!di.valid)
        add("different", "index", ix->name, key, "index " + ix->short_name() + ": validity", "valid", "INVALID (pg_index.indisvalid = false)")
            .fix_note = "an interrupted CREATE INDEX CONCURRENTLY left it invalid: REINDEX INDEX CONCURRENTLY " + qq(ix->name) +
                        " (or drop and create it again) in the database";
    }
    if (t.known) {
      for (const auto& [name, di] : db_.indexes) {
        if (di.table != key || cat_.find_index(name)) continue;
        if (di.constraint_owned) continue;  // reported as its constraint
        add("extra", "index", name, key, "index " + name.substr(name.find('.') + 1), "", di.def).fix_sql = if_not_exists_index(di.def);
      }
    }

    // Row level security.
    if (t.rls_known || t.known) {
      if (t.rls_enabled != dt.rls)
        add("different", "rls", key, key, "row level security", t.rls_enabled ? "enabled" : "disabled", dt.rls ? "enabled" : "disabled")
            .fix_sql = alter + (dt.rls ? "ENABLE" : "DISABLE") + " ROW LEVEL SECURITY;";
      if (t.rls_forced != dt.force)
        add("different", "rls", key, key, "forced row level security", t.rls_forced ? "forced" : "not forced", dt.force ? "forced" : "not forced")
            .fix_sql = alter + (dt.force ? "FORCE" : "NO FORCE") + " ROW LEVEL SECURITY;";
    }

    // Policies.
    for (const auto& p : t.policies) {
      const DbPolicy* dp = nullptr;
      for (const auto& x : dt.policies)
        if (x.name == p.name) dp = &x;
      std::string obj = "policy " + p.name;
      if (!dp) {
        add("missing", "policy", key, key, obj).fix_sql = drop_policy_sql(key, p.name);
        continue;
      }
      std::vector<std::array<std::string, 3>> diffs;
      if (p.command != dp->command) diffs.push_back({"command", p.command, dp->command});
      if (p.permissive != dp->permissive) diffs.push_back({"mode", p.permissive ? "permissive" : "restrictive", dp->permissive ? "permissive" : "restrictive"});
      std::vector<std::string> roles = p.roles;
      std::sort(roles.begin(), roles.end());
      if (roles != dp->roles) diffs.push_back({"roles", join(roles), join(dp->roles)});
      if (same(p.using_expr, p.source, dp->using_expr) == Same::No) diffs.push_back({"USING", p.using_expr, dp->using_expr});
      if (same(p.check_expr, p.source, dp->check_expr) == Same::No) diffs.push_back({"WITH CHECK", p.check_expr, dp->check_expr});
      for (const auto& [what, a, b] : diffs)
        add("different", "policy", key, key, obj + ": " + what, a.empty() ? "none" : a, b.empty() ? "none" : b).fix_sql =
            drop_policy_sql(key, p.name) + "\n" + policy_sql(key, *dp);
    }
    if (t.known) {
      for (const auto& dp : dt.policies) {
        if (t.find_policy(dp.name)) continue;
        add("extra", "policy", key, key, "policy " + dp.name, "", dp.command + " to " + join(dp.roles) +
                                                                    (dp.using_expr.empty() ? "" : " using " + dp.using_expr) +
                                                                    (dp.check_expr.empty() ? "" : " with check " + dp.check_expr))
            .fix_sql = drop_policy_sql(key, dp.name) + "\n" + policy_sql(key, dp);
      }
    }

    // Grants to the roles drift looks at.
    for (const auto& role : roles_) {
      if (!db_.roles.count(role) && role != "public") continue;
      auto expected = expected_grants(t, role);
      if (!expected) continue;
      std::set<std::string> actual;
      if (auto g = dt.grants.find(role); g != dt.grants.end()) actual = g->second;
      if (*expected == actual) continue;
      std::vector<std::string> more, fewer;
      for (const auto& p : actual)
        if (!expected->count(p)) more.push_back(upper(p));
      for (const auto& p : *expected)
        if (!actual.count(p)) fewer.push_back(upper(p));
      std::string who = role == "public" ? "PUBLIC" : qi(role);
      std::string sql;
      if (!more.empty()) sql += "GRANT " + join(more) + " ON " + qq(key) + " TO " + who + ";";
      if (!fewer.empty()) sql += std::string(sql.empty() ? "" : "\n") + "REVOKE " + join(fewer) + " ON " + qq(key) + " FROM " + who + ";";
      add("different", "grant", key, key, "grants to " + role,
          expected->empty() ? "none" : upper(join(std::vector<std::string>(expected->begin(), expected->end()))),
          actual.empty() ? "none" : upper(join(std::vector<std::string>(actual.begin(), actual.end()))))
          .fix_sql = sql;
    }
  }

  void views() {
    for (const auto& [key, v] : cat_.views()) {
      auto it = db_.relations.find(key);
      bool in_db = it != db_.relations.end() && (it->second.kind == 'v' || it->second.kind == 'm');
      if (!in_db) {
        if (!scope_.count(v.schema)) continue;
        add("missing", "view", key).fix_sql =
            std::string("DROP ") + (v.materialized ? "MATERIALIZED VIEW" : "VIEW") + " IF EXISTS " + qq(key) + ";";
        continue;
      }
      const DbTable& dv = it->second;
      if (v.materialized != (dv.kind == 'm')) {
        add("different", "view", key, "", "materialized", v.materialized ? "yes" : "no", dv.kind == 'm' ? "yes" : "no")
            .fix_note = "recreate the view by hand";
        continue;
      }
      if (!v.materialized && v.security_invoker != dv.security_invoker)
        add("different", "view", key, "", "security_invoker", v.security_invoker ? "on" : "off", dv.security_invoker ? "on" : "off")
            .fix_sql = "ALTER VIEW " + qq(key) + " SET (security_invoker = " + (dv.security_invoker ? "on" : "off") + ");";
    }
    for (const auto& [key, dv] : db_.relations) {
      if (dv.kind != 'v' && dv.kind != 'm') continue;
      if (cat_.find_view(key) || cat_.find_table(key) || !owned(dv.schema)) continue;
      auto& d = add("extra", "view", key, "", "", "", dv.kind == 'm' ? "materialized view" : "view");
      std::string def = dv.view_def;
      while (!def.empty() && (def.back() == ';' || def.back() == '\n' || def.back() == ' ')) def.pop_back();
      if (dv.kind == 'm')
        d.fix_sql = "CREATE MATERIALIZED VIEW IF NOT EXISTS " + qq(key) + " AS\n" + def + "\nWITH NO DATA;";
      else
        d.fix_sql = "CREATE OR REPLACE VIEW " + qq(key) + (dv.security_invoker ? " WITH (security_invoker = on)" : "") + " AS\n" + def + ";";
    }
  }

  std::string catalog_function_key(const Function& f) const {
    std::string key = f.schema + "." + f.name + "(";
    for (size_t i = 0; i < f.arg_types.size(); ++i) {
      auto t = parse_type(f.arg_types[i]);
      key += (i ? ", " : "") + (t ? type_key(*t) : f.arg_types[i]);
    }
    return key + ")";
  }

  void functions() {
    std::set<std::string> seen;
    for (const auto& [sig, f] : cat_.functions()) {
      if (!scope_.count(f.schema)) continue;
      std::string key = catalog_function_key(f);
      seen.insert(key);
      auto it = db_.functions.find(key);
      std::string label = f.procedure ? "procedure" : "function";
      if (it == db_.functions.end()) {
        add("missing", label, sig).fix_sql = "DROP " + upper(label) + " IF EXISTS " + qq(f.qualified()) + "(" + join(f.arg_types) + ");";
        continue;
      }
      const DbFunction& df = it->second;
      std::vector<std::array<std::string, 3>> diffs;
      if (f.security_definer != df.security_definer)
        diffs.push_back({"security", f.security_definer ? "SECURITY DEFINER" : "SECURITY INVOKER",
                         df.security_definer ? "SECURITY DEFINER" : "SECURITY INVOKER"});
      std::string db_path;
      bool db_sets_path = false;
      for (const auto& c : df.config)
        if (c.rfind("search_path=", 0) == 0) {
          db_sets_path = true;
          db_path = c.substr(12);
        }
      if (f.search_path != "FROM CURRENT") {
        if (f.sets_search_path != db_sets_path ||
            (db_sets_path && normalise_search_path(f.search_path) != normalise_search_path(db_path)))
          diffs.push_back({"search_path", f.sets_search_path ? f.search_path : "not set", db_sets_path ? db_path : "not set"});
      }
      std::string vol = df.volatility == 'i' ? "immutable" : df.volatility == 's' ? "stable" : "volatile";
      if (!f.procedure && f.volatility != vol) diffs.push_back({"volatility", f.volatility, vol});
      for (const auto& [what, a, b] : diffs) {
        add("different", label, sig, "", what, a, b);
        function_fixes.push_back({out_.items.size() - 1, df.oid});
        functions_needing_def.insert(df.oid);
      }
    }
    for (const auto& [key, df] : db_.functions) {
      if (seen.count(key) || !owned(df.schema)) continue;
      add("extra", df.kind == 'p' ? "procedure" : "function", df.schema + "." + df.name + "(" + df.identity_args + ")", "", "", "",
          df.language);
      function_fixes.push_back({out_.items.size() - 1, df.oid});
      functions_needing_def.insert(df.oid);
    }
  }

 public:
  std::set<std::string> scope_;

 private:
  // The migrations' expression (rendered by the catalog, found in its source when the rendering
  // is partial) against the database's: Unknown when neither can be read.
  Same same(const std::string& expected, const SourceRef& where, const std::string& actual) {
    if (expected.empty() && actual.empty()) return Same::Yes;
    if (expected.empty() != actual.empty()) return Same::No;
    auto ce = canonical_expr(expected);
    if (!ce && where.file >= 0 && static_cast<size_t>(where.file) < set_.files.size() && set_.files[where.file].contents)
      ce = sources_.find(where.file, *set_.files[where.file].contents, where.begin, expected);
    auto ca = canonical_expr(actual);
    if (!ce || !ca) return Same::Unknown;
    return *ce == *ca ? Same::Yes : Same::No;
  }

  const Catalog& cat_;
  const MigrationSet& set_;
  SourceExpressions sources_;
  const Db& db_;
  const std::set<std::string>& owned_;
  const std::set<std::string>& roles_;
  DriftReport& out_;
};

// Other migration tools' bookkeeping tables, which the tool (not a migration) creates: not drift.
bool migration_tool_table(const std::string& name) {
  static const char* const kNames[] = {"__diesel_schema_migrations", "_prisma_migrations", "flyway_schema_history",
                                       "schema_migrations", "__drizzle_migrations", "_sqlx_migrations",
                                       "goose_db_version", "knex_migrations", "knex_migrations_lock"};
  for (const char* n : kNames)
    if (name == n) return true;
  return false;
}

bool system_schema(const std::string& s) {
  return s == "pg_catalog" || s == "information_schema" || s.rfind("pg_toast", 0) == 0 || s.rfind("pg_temp", 0) == 0;
}

}  // namespace

// Definitions PostgreSQL prints span lines (pg_get_expr of a sub-query): one line each, runs of
// blanks as one space, so every difference is one line of output and of a comment.
std::string one_line(const std::string& s) {
  std::string out;
  bool blank = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

std::string DriftItem::message() const {
  std::string head = object_type == "column" || object_type == "constraint" || object_type == "index" ||
                             object_type == "policy" || object_type == "rls" || object_type == "grant"
                         ? "table " + table
                         : object_type + " " + object;
  std::string what = attribute.empty() ? "" : attribute + ": ";
  if (kind == "missing") return one_line(head + ": " + what + "missing in database (the migrations create it)");
  if (kind == "extra")
    return one_line(head + ": " + what + "extra in database (made by hand; not in the migrations)" +
                    (actual.empty() ? "" : ": " + actual));
  return one_line(head + ": " + what + expected + " in migrations, " + actual + " in database");
}

bool compute_drift(Connection& conn, const LocalSet& local, const History& history, const std::string& history_schema,
                   DriftReport& out, std::string& error) {
  auto started = std::chrono::steady_clock::now();
  out = DriftReport{};

  // The expected schema: the up files history records as applied (or baseline), in order.
  std::set<std::string> applied;
  for (const auto& row : history.rows)
    if (row.status == "applied" || row.status == "baseline") applied.insert(row.version);
  out.history_used = history.exists && !history.rows.empty();
  MigrationSet set;
  set.layout = local.set.layout;
  std::vector<std::string> not_local;
  for (const auto& f : local.set.files) {
    if (f.direction != Direction::Up || f.version.empty()) continue;
    if (out.history_used && !applied.count(f.version)) continue;
    set.files.push_back(f);
    set.files.back().history_only = true;  // replayed into the catalog, not described (faster)
  }
  if (out.history_used) {
    std::set<std::string> have;
    for (const auto& f : set.files) have.insert(f.version);
    for (const auto& v : applied)
      if (!have.count(v)) not_local.push_back(v);
  }
  order_set(set);
  out.applied_files = static_cast<int>(set.files.size());
  Plan plan = build_plan(set, local.config.max_file_size);
  const Catalog& cat = plan.catalog;

  std::vector<std::string> notes;
  if (!out.history_used)
    notes.push_back("no pgsafe history in schema " + history_schema + ": every local up file (" +
                    std::to_string(set.files.size()) + ") is counted as applied");
  if (!not_local.empty())
    notes.push_back(std::to_string(not_local.size()) + " applied version(s) have no local file (first: " + not_local.front() +
                    "): what they did is not in the expected schema");

  // Schemas compared: those the set creates or defines objects in, and public; extras (objects
  // made by hand) are looked for only where the set owns the schema (created it, or created
  // tables in it) and in public.
  std::set<std::string> scope{"public"}, owned{"public"};
  for (const auto& [n, s] : cat.schemas()) scope.insert(n), owned.insert(n);
  for (const auto& [k, t] : cat.tables())
    if (t.known) scope.insert(t.schema), owned.insert(t.schema);
    else scope.insert(t.schema);
  for (const auto& [k, v] : cat.views()) scope.insert(v.schema), owned.insert(v.schema);
  for (const auto& [k, f] : cat.functions()) scope.insert(f.schema);
  for (const auto& [k, t] : cat.types()) scope.insert(t.schema);
  for (auto* s : {&scope, &owned})
    for (auto it = s->begin(); it != s->end();) it = system_schema(*it) || *it == history_schema ? s->erase(it) : std::next(it);
  // A schema only stubs live in (auth.users referenced by a foreign key) is not compared.
  for (auto it = scope.begin(); it != scope.end();) {
    bool only_stubs = !owned.count(*it) && !cat.schemas().count(*it);
    bool has_defined = false;
    for (const auto& [k, f] : cat.functions()) has_defined |= f.schema == *it;
    for (const auto& [k, t] : cat.types()) has_defined |= t.schema == *it;
    it = only_stubs && !has_defined ? scope.erase(it) : std::next(it);
  }
  out.schemas.assign(scope.begin(), scope.end());

  // Roles whose table grants are compared: the API roles, and every role the set grants to.
  std::set<std::string> roles{"anon", "authenticated", "service_role"};
  for (const auto& [k, t] : cat.tables())
    for (const auto& [role, privs] : t.grants) roles.insert(role);
  for (const auto& [schema, grants] : cat.default_table_privileges())
    for (const auto& [role, privs] : grants) roles.insert(role);

  Db db;
  if (!read_db(conn, scope, roles, db, error)) return false;

  Comparer cmp(cat, set, db, owned, roles, out);
  cmp.scope_ = scope;
  cmp.run();
  std::map<std::string, std::string> defs;
  if (!function_defs(conn, cmp.functions_needing_def, defs, error)) return false;
  for (const auto& [item, oid] : cmp.function_fixes) {
    auto it = defs.find(oid);
    if (it == defs.end()) continue;
    std::string def = it->second;
    while (!def.empty() && (def.back() == '\n' || def.back() == ' ')) def.pop_back();
    out.items[item].fix_sql = def + ";";
  }

  std::stable_sort(out.items.begin(), out.items.end(), [](const DriftItem& a, const DriftItem& b) {
    std::string ka = a.table.empty() ? a.object : a.table, kb = b.table.empty() ? b.object : b.table;
    if (ka != kb) return ka < kb;
    return a.attribute < b.attribute;
  });
  // The same fix twice (a policy differing in two ways) is written once.
  std::set<std::string> fixes;
  for (auto& d : out.items) {
    if (d.fix_sql.empty()) continue;
    if (!fixes.insert(d.fix_sql).second) {
      d.fix_sql.clear();
      d.fix_above = true;
    }
  }
  out.note = join(notes, "; ");
  out.compared = true;
  out.ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  return true;
}

nlohmann::json drift_to_json(const DriftReport& report) {
  using json = nlohmann::json;
  json items = json::array();
  std::map<std::string, int> counts{{"missing", 0}, {"extra", 0}, {"different", 0}};
  for (const auto& d : report.items) {
    ++counts[d.kind];
    items.push_back({{"kind", d.kind},
                     {"object_type", d.object_type},
                     {"name", d.object},
                     {"table", d.table.empty() ? json(nullptr) : json(d.table)},
                     {"attribute", d.attribute.empty() ? json(nullptr) : json(d.attribute)},
                     {"expected", d.expected.empty() ? json(nullptr) : json(d.expected)},
                     {"actual", d.actual.empty() ? json(nullptr) : json(d.actual)},
                     {"message", d.message()},
                     {"fix_sql", d.fix_sql.empty() ? json(nullptr) : json(d.fix_sql)},
                     {"fix_note", d.fix_note.empty() ? json(nullptr) : json(d.fix_note)}});
  }
  return json{{"drift", !report.items.empty()},
              {"differences", items},
              {"summary",
               {{"total", report.items.size()},
                {"missing", counts["missing"]},
                {"extra", counts["extra"]},
                {"different", counts["different"]},
                {"applied_files", report.applied_files},
                {"history", report.history_used},
                {"schemas", report.schemas},
                {"ms", report.ms}}},
              {"note", report.note.empty() ? json(nullptr) : json(report.note)}};
}

}  // namespace pgsafe::applier
