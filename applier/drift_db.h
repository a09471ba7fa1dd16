#pragma once
// What drift reads from the live database's pg_catalog, with one query per kind of object
// (whatever the number of tables): the objects of the schemas compared, minus extension members.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "applier/pg.h"

namespace pgsafe::applier::drift_db {

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

// Read the objects of `schemas`; table grants only for `interesting_roles`. False with error when
// a query failed.
bool read_db(Connection& conn, const std::set<std::string>& schemas, const std::set<std::string>& interesting_roles,
             Db& db, std::string& error);

// pg_get_functiondef for these function oids, in one query.
bool function_defs(Connection& conn, const std::set<std::string>& oids, std::map<std::string, std::string>& out,
                   std::string& error);

}  // namespace pgsafe::applier::drift_db
