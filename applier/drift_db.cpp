// drift's reading of pg_catalog: eight queries, each over all the schemas compared.
#include "applier/drift_db.h"

#include <algorithm>

#include "applier/drift_expr.h"

namespace pgsafe::applier::drift_db {

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

}  // namespace

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

bool function_defs(Connection& conn, const std::set<std::string>& oids, std::map<std::string, std::string>& out,
                   std::string& error) {
  if (oids.empty()) return true;
  Result r;
  if (!run(conn, "SELECT f, pg_get_functiondef(f) FROM unnest($1::oid[]) f", {array_literal(oids)}, r, error)) return false;
  for (int i = 0; i < PQntuples(r.get()); ++i) out[field(r.get(), i, 0)] = field(r.get(), i, 1);
  return true;
}

}  // namespace pgsafe::applier::drift_db
