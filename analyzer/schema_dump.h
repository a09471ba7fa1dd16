#pragma once
// `pgsafe schema`: the catalog at the end of the set, as JSON (for debugging and drift checks)
// or as SQL that recreates what the catalog knows.
#include <ostream>

#include <nlohmann/json.hpp>

#include "analyzer/catalog.h"

namespace pgsafe {

nlohmann::json schema_to_json(const Catalog& catalog);
void write_schema_sql(std::ostream& out, const Catalog& catalog);

// Pieces of SQL for what the catalog holds (also used to write the inverse of a migration).
std::string column_sql(const Column& col);                       // name type [DEFAULT ...] [NOT NULL]
std::string constraint_sql(const Constraint& k);                 // PRIMARY KEY (...), CHECK (...), ...
std::string policy_sql(const std::string& table, const Policy& p);  // CREATE POLICY ...;
std::string index_sql(const Index& ix, bool concurrently);       // CREATE [UNIQUE] INDEX ...;

}  // namespace pgsafe
