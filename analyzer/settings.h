#pragma once
// What rules may know about the run: target PostgreSQL version, transaction assumptions,
// exposed schemas. Filled from .pgsafe.toml and the command line.
#include <string>
#include <vector>

namespace pgsafe {

struct Settings {
  int pg_version = 17;
  bool pg_version_explicit = false;  // set in .pgsafe.toml or with --pg-version (not the default)  // the target server: lock and rewrite semantics (13-18), never the grammar
  // The applier wraps each file in a transaction unless the file opts out.
  bool assume_in_transaction = true;
  // Schemas an HTTP API (PostgREST, Supabase, Hasura) serves to clients: the RLS, grant and view
  // checks apply to them. With exposed_schemas_auto (the default, `exposed_schemas = "auto"`) the
  // list holds public only when the migration set shows an API (see analyzer/exposure.h); an
  // explicit list in .pgsafe.toml wins.
  std::vector<std::string> exposed_schemas{"public"};
  bool exposed_schemas_auto = true;
};

}  // namespace pgsafe
